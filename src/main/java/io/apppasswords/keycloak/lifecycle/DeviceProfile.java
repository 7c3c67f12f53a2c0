package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.policy.DeviceSettings;
import io.apppasswords.keycloak.policy.RealmPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An Apple configuration profile ({@code .mobileconfig}, an XML property list) that sets a device up with one
 * app password: a mail account ({@code com.apple.mail.managed}) and, where the realm names their servers,
 * calendar and contacts accounts ({@code com.apple.caldav.account}, {@code com.apple.carddav.account}).
 * Identifiers and UUIDs derive from the app password's id, so installing it again replaces the profile
 * instead of adding a second one. Unsigned.
 */
public final class DeviceProfile {

    public static final String MEDIA_TYPE = "application/x-apple-aspen-config";
    private static final String ID_PREFIX = "io.apppasswords.keycloak.";

    /** The protocol ids (of the credential's scope) each account needs; the DAV ones may not exist yet. */
    static final String IMAP = "imap";
    static final String CALDAV = "caldav";
    static final String CARDDAV = "carddav";

    /**
     * @param settings   the realm's servers
     * @param name       the app password's name
     * @param protocols  its scope, {@code null} for any
     */
    public record Account(DeviceSettings settings, String realmName, String credentialId, String name,
                          List<String> protocols, String username, String email) {

        /** Whether the profile would set anything up: mail needs IMAP in the scope, a DAV account its own protocol. */
        public boolean offered() {
            return mail() || caldav() || carddav();
        }

        boolean mail() {
            return allows(IMAP);
        }

        boolean caldav() {
            return settings.caldavUrl() != null && allows(CALDAV);
        }

        boolean carddav() {
            return settings.carddavUrl() != null && allows(CARDDAV);
        }

        private boolean allows(String protocol) {
            return protocols == null || protocols.contains(protocol);
        }

        String organization() {
            return settings.organization() != null ? settings.organization() : realmName;
        }
    }

    private DeviceProfile() {
    }

    /** The account for a device set up with this app password, or {@code null} when the realm names no servers. */
    public static Account account(RealmModel realm, UserModel user, AppPasswordCredentialModel credential) {
        DeviceSettings settings = RealmPolicy.deviceSettings(realm);
        if (settings == null) {
            return null;
        }
        String realmName = realm.getDisplayName() == null || realm.getDisplayName().isBlank()
                ? realm.getName() : realm.getDisplayName();
        return new Account(settings, realmName, credential.getId(), credential.getUserLabel(),
                credential.getData().getProtocols(), user.getUsername(), user.getEmail());
    }

    /** The profile's bytes (UTF-8 XML) with {@code secret} filled in. */
    public static byte[] build(Account account, String secret) {
        String identifier = ID_PREFIX + account.credentialId();
        String description = account.organization() + " – " + account.name();
        List<Map<String, Object>> payloads = new ArrayList<>();
        DeviceSettings s = account.settings();
        if (account.mail()) {
            Map<String, Object> mail = payload("com.apple.mail.managed", identifier + ".mail", description);
            mail.put("EmailAccountDescription", description);
            mail.put("EmailAccountType", "EmailTypeIMAP");
            if (account.email() != null) {
                mail.put("EmailAddress", account.email());
            }
            mail.put("IncomingMailServerHostName", s.imapHost());
            mail.put("IncomingMailServerPortNumber", s.imapPort());
            // Apple's UseSSL means TLS either way: from the start or by STARTTLS, told apart by the port
            mail.put("IncomingMailServerUseSSL", true);
            mail.put("IncomingMailServerAuthentication", "EmailAuthPassword");
            mail.put("IncomingMailServerUsername", account.username());
            mail.put("IncomingPassword", secret);
            mail.put("OutgoingMailServerHostName", s.smtpHost());
            mail.put("OutgoingMailServerPortNumber", s.smtpPort());
            mail.put("OutgoingMailServerUseSSL", true);
            mail.put("OutgoingMailServerAuthentication", "EmailAuthPassword");
            mail.put("OutgoingMailServerUsername", account.username());
            mail.put("OutgoingPassword", secret);
            mail.put("OutgoingPasswordSameAsIncomingPassword", true);
            payloads.add(mail);
        }
        if (account.caldav()) {
            payloads.add(dav("CalDAV", "com.apple.caldav.account", identifier + ".caldav", description,
                    s.caldavUrl(), account.username(), secret));
        }
        if (account.carddav()) {
            payloads.add(dav("CardDAV", "com.apple.carddav.account", identifier + ".carddav", description,
                    s.carddavUrl(), account.username(), secret));
        }
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("PayloadContent", payloads);
        profile.put("PayloadDisplayName", description);
        profile.put("PayloadIdentifier", identifier);
        profile.put("PayloadOrganization", account.organization());
        profile.put("PayloadRemovalDisallowed", false);
        profile.put("PayloadType", "Configuration");
        profile.put("PayloadUUID", uuid(identifier));
        profile.put("PayloadVersion", 1);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")
                .append("<plist version=\"1.0\">\n");
        write(xml, profile, 0);
        return xml.append("</plist>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The download's file name: letters and digits of the app password's name, ASCII only. */
    public static String fileName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return (safe.isEmpty() ? "app-password" : safe) + ".mobileconfig";
    }

    private static Map<String, Object> dav(String kind, String type, String identifier, String description, URI url,
                                           String username, String secret) {
        Map<String, Object> dav = payload(type, identifier, description);
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        dav.put(kind + "AccountDescription", description);
        dav.put(kind + "HostName", url.getHost());
        dav.put(kind + "Port", url.getPort() > 0 ? url.getPort() : tls ? 443 : 80);
        dav.put(kind + "PrincipalURL", url.toString());
        dav.put(kind + "UseSSL", tls);
        dav.put(kind + "Username", username);
        dav.put(kind + "Password", secret);
        return dav;
    }

    private static Map<String, Object> payload(String type, String identifier, String description) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("PayloadType", type);
        payload.put("PayloadIdentifier", identifier);
        payload.put("PayloadUUID", uuid(identifier));
        payload.put("PayloadVersion", 1);
        payload.put("PayloadDisplayName", description);
        return payload;
    }

    private static String uuid(String identifier) {
        return UUID.nameUUIDFromBytes(identifier.getBytes(StandardCharsets.UTF_8)).toString().toUpperCase();
    }

    private static void write(StringBuilder xml, Object value, int depth) {
        String indent = "\t".repeat(depth);
        if (value instanceof Map<?, ?> map) {
            xml.append(indent).append("<dict>\n");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                xml.append(indent).append("\t<key>").append(escape(e.getKey().toString())).append("</key>\n");
                write(xml, e.getValue(), depth + 1);
            }
            xml.append(indent).append("</dict>\n");
        } else if (value instanceof List<?> list) {
            xml.append(indent).append("<array>\n");
            list.forEach(item -> write(xml, item, depth + 1));
            xml.append(indent).append("</array>\n");
        } else if (value instanceof Boolean b) {
            xml.append(indent).append(b ? "<true/>" : "<false/>").append('\n');
        } else if (value instanceof Integer i) {
            xml.append(indent).append("<integer>").append(i).append("</integer>\n");
        } else {
            xml.append(indent).append("<string>").append(escape(value.toString())).append("</string>\n");
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
