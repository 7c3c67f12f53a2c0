package io.apppasswords.keycloak.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The servers a realm's users set their devices up with, as the admin states them once in the realm policy
 * ({@link Settings#IMAP_HOST} and the entries after it). Without the IMAP and SMTP hosts there is nothing to
 * set up and the shown-once page offers no profile, QR code or settings table. The value checks are the
 * catalogue's parsers below; the rule across settings is {@link #problems}.
 *
 * @param caldavUrl    {@code null}: no calendar account
 * @param carddavUrl   {@code null}: no contacts account
 * @param organization {@code null}: none named in the profile
 */
public record DeviceSettings(String imapHost, int imapPort, Security imapSecurity,
                             String smtpHost, int smtpPort, Security smtpSecurity,
                             URI caldavUrl, URI carddavUrl, String organization) {

    static final int MAX_ORGANIZATION = 100;

    /** A DNS name or an IPv4 address; what a mail app accepts as a server. */
    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** How a mail app secures the connection: TLS from the first byte, or upgraded with STARTTLS. */
    public enum Security {
        SSL("ssl", "SSL/TLS", 993, 465), STARTTLS("starttls", "STARTTLS", 143, 587);

        private final String id;
        private final String label;
        private final int imapPort;
        private final int smtpPort;

        Security(String id, String label, int imapPort, int smtpPort) {
            this.id = id;
            this.label = label;
            this.imapPort = imapPort;
            this.smtpPort = smtpPort;
        }

        /** As mail apps name it, in every language. */
        public String label() {
            return label;
        }

        /** {@code ssl} or {@code starttls}, any letter case. */
        static Security parse(String id) {
            for (Security s : values()) {
                if (s.id.equals(id.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("not ssl or starttls");
        }
    }

    /** The realm's settings, or {@code null} when the IMAP or the SMTP host is missing. */
    static DeviceSettings of(SettingValues values) {
        String imapHost = values.get(Settings.IMAP_HOST);
        String smtpHost = values.get(Settings.SMTP_HOST);
        if (imapHost == null || smtpHost == null) {
            return null;
        }
        Security imap = values.get(Settings.IMAP_SECURITY);
        Security smtp = values.get(Settings.SMTP_SECURITY);
        int imapPort = values.get(Settings.IMAP_PORT);
        int smtpPort = values.get(Settings.SMTP_PORT);
        return new DeviceSettings(imapHost, imapPort == 0 ? imap.imapPort : imapPort, imap,
                smtpHost, smtpPort == 0 ? smtp.smtpPort : smtpPort, smtp,
                values.get(Settings.CALDAV_URL), values.get(Settings.CARDDAV_URL), values.get(Settings.ORGANIZATION));
    }

    /**
     * Half a set-up, refused when an admin saves it: a device setting without both hosts (the values themselves
     * are checked by the catalogue).
     */
    static List<PolicyProblem> problems(Map<String, String> config) {
        List<Setting<?>> device = List.of(Settings.IMAP_HOST, Settings.IMAP_PORT, Settings.IMAP_SECURITY,
                Settings.SMTP_HOST, Settings.SMTP_PORT, Settings.SMTP_SECURITY, Settings.CALDAV_URL,
                Settings.CARDDAV_URL, Settings.ORGANIZATION);
        boolean any = device.stream().anyMatch(s -> present(config, s));
        List<PolicyProblem> problems = new ArrayList<>();
        for (Setting<String> host : List.of(Settings.IMAP_HOST, Settings.SMTP_HOST)) {
            if (any && !present(config, host)) {
                problems.add(new PolicyProblem(host.key(), PolicyProblem.INVALID_VALUE));
            }
        }
        return problems;
    }

    private static boolean present(Map<String, String> config, Setting<?> setting) {
        String v = config == null ? null : config.get(setting.key());
        return v != null && !v.isBlank();
    }

    static String host(String value) {
        if (!HOST.matcher(value).matches()) {
            throw new IllegalArgumentException("not a host name");
        }
        return value;
    }

    /** An absolute https or http address with a host and no user information, query or fragment. */
    static URI url(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean usable = (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null
                && HOST.matcher(uri.getHost()).matches() && uri.getRawUserInfo() == null
                && uri.getRawQuery() == null && uri.getRawFragment() == null;
        if (!usable) {
            throw new IllegalArgumentException("not an http(s) address");
        }
        return uri;
    }

    static String organization(String value) {
        if (value.length() > MAX_ORGANIZATION || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("too long or with control characters");
        }
        return value;
    }
}
