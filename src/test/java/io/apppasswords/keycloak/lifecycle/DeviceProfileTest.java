package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.policy.DeviceSettings;
import io.apppasswords.keycloak.it.Plist;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceProfileTest {

    private static final DeviceSettings SERVERS = new DeviceSettings("imap.example.org", 993,
            DeviceSettings.Security.SSL, "smtp.example.org", 587, DeviceSettings.Security.STARTTLS,
            URI.create("https://dav.example.org:8443/cal/"), URI.create("http://dav.example.org/card/"),
            "Example & Co <mail>");
    private static final String SECRET = "abcd-efgh-jkmn-pqrs-tuvw-xyz2";

    private static DeviceProfile.Account account(List<String> protocols) {
        return new DeviceProfile.Account(SERVERS, "demo", "cred-1", "iPhone", protocols, "alice", "alice@example.org");
    }

    @Test
    void aMailCalendarAndContactsAccountWithTheAppPassword() throws Exception {
        Map<String, Object> profile = Plist.parse(DeviceProfile.build(account(null), SECRET));
        assertEquals("Configuration", profile.get("PayloadType"));
        assertEquals(1L, profile.get("PayloadVersion"));
        assertEquals(false, profile.get("PayloadRemovalDisallowed"));
        assertEquals("io.apppasswords.keycloak.cred-1", profile.get("PayloadIdentifier"));
        assertEquals("Example & Co <mail>", profile.get("PayloadOrganization"));
        List<?> content = (List<?>) profile.get("PayloadContent");
        assertEquals(3, content.size());

        Map<?, ?> mail = (Map<?, ?>) content.get(0);
        assertEquals("com.apple.mail.managed", mail.get("PayloadType"));
        assertEquals("EmailTypeIMAP", mail.get("EmailAccountType"));
        assertEquals("alice@example.org", mail.get("EmailAddress"));
        assertEquals("imap.example.org", mail.get("IncomingMailServerHostName"));
        assertEquals(993L, mail.get("IncomingMailServerPortNumber"));
        assertEquals(true, mail.get("IncomingMailServerUseSSL"));
        assertEquals("alice", mail.get("IncomingMailServerUsername"));
        assertEquals(SECRET, mail.get("IncomingPassword"));
        assertEquals("EmailAuthPassword", mail.get("IncomingMailServerAuthentication"));
        assertEquals("smtp.example.org", mail.get("OutgoingMailServerHostName"));
        assertEquals(587L, mail.get("OutgoingMailServerPortNumber"));
        assertEquals(true, mail.get("OutgoingMailServerUseSSL"));
        assertEquals("alice", mail.get("OutgoingMailServerUsername"));
        assertEquals(SECRET, mail.get("OutgoingPassword"));

        Map<?, ?> caldav = (Map<?, ?>) content.get(1);
        assertEquals("com.apple.caldav.account", caldav.get("PayloadType"));
        assertEquals("dav.example.org", caldav.get("CalDAVHostName"));
        assertEquals(8443L, caldav.get("CalDAVPort"));
        assertEquals(true, caldav.get("CalDAVUseSSL"));
        assertEquals("https://dav.example.org:8443/cal/", caldav.get("CalDAVPrincipalURL"));
        assertEquals(SECRET, caldav.get("CalDAVPassword"));
        Map<?, ?> carddav = (Map<?, ?>) content.get(2);
        assertEquals("com.apple.carddav.account", carddav.get("PayloadType"));
        assertEquals(80L, carddav.get("CardDAVPort"));
        assertEquals(false, carddav.get("CardDAVUseSSL"));
        assertEquals("alice", carddav.get("CardDAVUsername"));
    }

    @Test
    void theSameAppPasswordGivesTheSameIdentifiersSoReinstallingReplaces() throws Exception {
        Map<String, Object> a = Plist.parse(DeviceProfile.build(account(null), SECRET));
        Map<String, Object> b = Plist.parse(DeviceProfile.build(account(null), "other"));
        assertEquals(a.get("PayloadUUID"), b.get("PayloadUUID"));
        List<?> ac = (List<?>) a.get("PayloadContent");
        List<?> bc = (List<?>) b.get("PayloadContent");
        for (int i = 0; i < ac.size(); i++) {
            assertEquals(((Map<?, ?>) ac.get(i)).get("PayloadUUID"), ((Map<?, ?>) bc.get(i)).get("PayloadUUID"));
        }
        Map<String, Object> other = Plist.parse(DeviceProfile.build(
                new DeviceProfile.Account(SERVERS, "demo", "cred-2", "iPhone", null, "alice", null), SECRET));
        assertFalse(a.get("PayloadUUID").equals(other.get("PayloadUUID")));
    }

    @Test
    void theScopeDecidesTheAccounts() throws Exception {
        assertEquals(List.of("com.apple.mail.managed"), types(account(List.of("imap", "smtp"))));
        assertEquals(List.of("com.apple.caldav.account"), types(account(List.of("caldav"))));
        assertFalse(account(List.of("pop3", "sieve")).offered());
        assertTrue(account(List.of("imap")).offered());
    }

    @Test
    void theFileNameIsPlainAscii() {
        assertEquals("Thunderbird-on-my-laptop.mobileconfig", DeviceProfile.fileName("Thunderbird on my laptop"));
        assertEquals("app-password.mobileconfig", DeviceProfile.fileName("日本語"));
        assertEquals("a-b.mobileconfig", DeviceProfile.fileName("\"a\"/b"));
    }

    private static List<Object> types(DeviceProfile.Account account) throws Exception {
        List<Object> types = new ArrayList<>();
        for (Object p : (List<?>) Plist.parse(DeviceProfile.build(account, SECRET)).get("PayloadContent")) {
            types.add(((Map<?, ?>) p).get("PayloadType"));
        }
        return types;
    }
}
