package io.apppasswords.keycloak.policy;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The servers a realm's users set their devices up with, as the admin states them once in the
 * {@code app-password} required action's config. Without the IMAP and SMTP hosts there is nothing to set up
 * and the shown-once page offers no profile, QR code or settings table. Pure: parsing and checks only.
 *
 * @param caldavUrl  {@code null}: no calendar account
 * @param carddavUrl {@code null}: no contacts account
 * @param organization {@code null}: none named in the profile
 */
public record DeviceSettings(String imapHost, int imapPort, Security imapSecurity,
                             String smtpHost, int smtpPort, Security smtpSecurity,
                             URI caldavUrl, URI carddavUrl, String organization) {

    public static final String IMAP_HOST = "imapHost";
    public static final String IMAP_PORT = "imapPort";
    public static final String IMAP_SECURITY = "imapSecurity";
    public static final String SMTP_HOST = "smtpHost";
    public static final String SMTP_PORT = "smtpPort";
    public static final String SMTP_SECURITY = "smtpSecurity";
    public static final String CALDAV_URL = "caldavUrl";
    public static final String CARDDAV_URL = "carddavUrl";
    public static final String ORGANIZATION = "organization";

    static final int MAX_ORGANIZATION = 100;

    /** A DNS name or an IPv4 address; what a mail app accepts as a server. */
    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** How a mail app secures the connection: TLS from the first byte, or upgraded with STARTTLS. */
    public enum Security {
        SSL("ssl", "SSL/TLS"), STARTTLS("starttls", "STARTTLS");

        private final String id;
        private final String label;

        Security(String id, String label) {
            this.id = id;
            this.label = label;
        }

        public String id() {
            return id;
        }

        /** As mail apps name it, in every language. */
        public String label() {
            return label;
        }

        static Security of(String id) {
            for (Security s : values()) {
                if (s.id.equals(id.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            return null;
        }
    }

    /** The settings the admin console shows, after the policy's. */
    public static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(IMAP_HOST).label("Device set-up: IMAP server")
            .helpText("Host name mail apps connect to for incoming mail. With the SMTP server set, the page that "
                    + "shows a new app password offers an Apple configuration profile, a QR code for phones and "
                    + "a table of settings for other apps. Empty: none of these.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(IMAP_PORT).label("Device set-up: IMAP port")
            .helpText("Empty: 993 with SSL/TLS, 143 with STARTTLS.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(IMAP_SECURITY).label("Device set-up: IMAP security")
            .helpText("ssl (TLS from the start) or starttls.")
            .type(ProviderConfigProperty.LIST_TYPE).options(Security.SSL.id, Security.STARTTLS.id)
            .defaultValue(Security.SSL.id).add()
            .property().name(SMTP_HOST).label("Device set-up: SMTP server")
            .helpText("Host name mail apps send mail through (submission).")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(SMTP_PORT).label("Device set-up: SMTP port")
            .helpText("Empty: 465 with SSL/TLS, 587 with STARTTLS.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(SMTP_SECURITY).label("Device set-up: SMTP security")
            .helpText("ssl (TLS from the start) or starttls.")
            .type(ProviderConfigProperty.LIST_TYPE).options(Security.SSL.id, Security.STARTTLS.id)
            .defaultValue(Security.STARTTLS.id).add()
            .property().name(CALDAV_URL).label("Device set-up: CalDAV address")
            .helpText("https:// address of the calendar server, e.g. https://dav.example.org/. Empty: no "
                    + "calendar account in the profile.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(CARDDAV_URL).label("Device set-up: CardDAV address")
            .helpText("https:// address of the contacts server. Empty: no contacts account in the profile.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ORGANIZATION).label("Device set-up: organization")
            .helpText("Shown as the profile's organization and the accounts' description. Empty: the realm's name.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .build();

    /** The realm's settings, or {@code null} when the IMAP or SMTP host is missing (or a value is unusable). */
    public static DeviceSettings parse(Map<String, String> config) {
        if (config == null || value(config, IMAP_HOST) == null || value(config, SMTP_HOST) == null
                || !problems(config).isEmpty()) {
            return null;
        }
        Security imap = security(config, IMAP_SECURITY, Security.SSL);
        Security smtp = security(config, SMTP_SECURITY, Security.STARTTLS);
        return new DeviceSettings(value(config, IMAP_HOST), port(config, IMAP_PORT, imap == Security.SSL ? 993 : 143), imap,
                value(config, SMTP_HOST), port(config, SMTP_PORT, smtp == Security.SSL ? 465 : 587), smtp,
                url(config, CALDAV_URL), url(config, CARDDAV_URL), value(config, ORGANIZATION));
    }

    /** What is wrong with the device settings of a config an admin saves; empty if nothing. */
    public static List<PolicyProblem> problems(Map<String, String> config) {
        List<PolicyProblem> problems = new ArrayList<>();
        boolean any = false;
        for (String key : List.of(IMAP_HOST, IMAP_PORT, SMTP_HOST, SMTP_PORT, CALDAV_URL, CARDDAV_URL, ORGANIZATION)) {
            any |= value(config, key) != null;
        }
        for (String key : List.of(IMAP_HOST, SMTP_HOST)) {
            String host = value(config, key);
            if (host == null ? any : !HOST.matcher(host).matches()) {
                problems.add(new PolicyProblem(key, PolicyProblem.INVALID_VALUE)); // half a set-up is a mistake
            }
        }
        for (String key : List.of(IMAP_PORT, SMTP_PORT)) {
            String port = value(config, key);
            if (port != null) {
                try {
                    int p = Integer.parseInt(port);
                    if (p < 1 || p > 65535) {
                        problems.add(new PolicyProblem(key, PolicyProblem.OUT_OF_RANGE, 1, 65535));
                    }
                } catch (NumberFormatException e) {
                    problems.add(new PolicyProblem(key, PolicyProblem.NOT_A_NUMBER));
                }
            }
        }
        for (String key : List.of(IMAP_SECURITY, SMTP_SECURITY)) {
            String v = value(config, key);
            if (v != null && Security.of(v) == null) {
                problems.add(new PolicyProblem(key, PolicyProblem.INVALID_VALUE));
            }
        }
        for (String key : List.of(CALDAV_URL, CARDDAV_URL)) {
            if (value(config, key) != null && url(config, key) == null) {
                problems.add(new PolicyProblem(key, PolicyProblem.INVALID_VALUE));
            }
        }
        String organization = value(config, ORGANIZATION);
        if (organization != null && (organization.length() > MAX_ORGANIZATION
                || organization.chars().anyMatch(Character::isISOControl))) {
            problems.add(new PolicyProblem(ORGANIZATION, PolicyProblem.INVALID_VALUE));
        }
        return problems;
    }

    private static String value(Map<String, String> config, String key) {
        String v = config == null ? null : config.get(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Security security(Map<String, String> config, String key, Security fallback) {
        String v = value(config, key);
        return v == null ? fallback : Security.of(v);
    }

    private static int port(Map<String, String> config, String key, int fallback) {
        String v = value(config, key);
        return v == null ? fallback : Integer.parseInt(v);
    }

    /** An absolute https or http address with a host and no user information; {@code null} if absent or not one. */
    private static URI url(Map<String, String> config, String key) {
        String v = value(config, key);
        if (v == null) {
            return null;
        }
        try {
            URI uri = new URI(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean usable = (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null
                    && HOST.matcher(uri.getHost()).matches() && uri.getRawUserInfo() == null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
            return usable ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
