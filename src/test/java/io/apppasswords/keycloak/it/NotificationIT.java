package io.apppasswords.keycloak.it;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The e-mail a user gets for every new app password, received by a real SMTP server (GreenMail) on a
 * loopback port that the realm is pointed at for this class only.
 */
class NotificationIT {

    private static final String FROM = "keycloak@example.com";
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC";
    private static final String IP = "(127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1)";

    private static GreenMail smtp;
    private static int port;
    private static Map<String, String> smtpBefore;
    private static Boolean i18nBefore;
    private static Set<String> localesBefore;

    @BeforeAll
    static void startSmtp() throws IOException {
        KeycloakServer.get();
        port = freeLoopbackPort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        RealmRepresentation realm = Users.realm().toRepresentation();
        smtpBefore = realm.getSmtpServer();
        i18nBefore = realm.isInternationalizationEnabled();
        localesBefore = realm.getSupportedLocales();
        realm.setInternationalizationEnabled(true);
        realm.setSupportedLocales(Set.of("en", "de"));
        realm.setDefaultLocale("en");
        Users.realm().update(realm);
        pointSmtpAt(port);
    }

    @AfterAll
    static void stopSmtp() {
        try {
            RealmRepresentation realm = Users.realm().toRepresentation();
            realm.setSmtpServer(smtpBefore == null ? Map.of() : smtpBefore);
            realm.setInternationalizationEnabled(Boolean.TRUE.equals(i18nBefore));
            realm.setSupportedLocales(localesBefore == null ? Set.of() : localesBefore);
            Users.realm().update(realm);
        } finally {
            if (smtp != null) {
                smtp.stop();
            }
        }
    }

    @BeforeEach
    @AfterEach
    void purge() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
    }

    private static void pointSmtpAt(int smtpPort) {
        RealmRepresentation realm = Users.realm().toRepresentation();
        Map<String, String> config = new HashMap<>();
        config.put("host", "127.0.0.1");
        config.put("port", String.valueOf(smtpPort));
        config.put("from", FROM);
        config.put("fromDisplayName", "App passwords demo");
        realm.setSmtpServer(config);
        Users.realm().update(realm);
    }

    @Test
    void anEnglishMailNamesTheAppPasswordTimeIpAndClientButNeverTheSecret() throws Exception {
        String username = Users.create("mail-en");
        String secret = Users.createAppPassword(username, "Thunderbird <laptop>");

        MimeMessage mail = onlyMail(username + "@example.com");
        assertEquals("New app password \"Thunderbird <laptop>\" on your account", mail.getSubject());
        assertEquals(FROM, ((jakarta.mail.internet.InternetAddress) mail.getFrom()[0]).getAddress());
        String text = part(mail, "text/plain");
        String html = part(mail, "text/html");
        assertTrue(text.contains("An app password was just created on your account"), text);
        assertTrue(text.contains("Name: Thunderbird <laptop>"), text);
        assertTrue(text.matches("(?s).*Time: " + TIME + ".*"), text);
        assertTrue(text.contains("Time: " + LocalDate.now(ZoneOffset.UTC)), "today, in UTC: " + text);
        assertTrue(text.matches("(?s).*IP address: " + IP + "\\s.*"), text);
        assertTrue(text.contains("Created through: demo-cli"), text);
        assertTrue(text.contains("If this was not you, delete this app password"), text);
        assertTrue(html.contains("Thunderbird &lt;laptop&gt;"), "HTML-escaped name: " + html);
        assertFalse(html.contains("Thunderbird <laptop>"), html);
        assertTrue(html.contains("demo-cli") && html.matches("(?s).*" + TIME + ".*") && html.matches("(?s).*" + IP + ".*"), html);
        assertTrue(html.contains("If this was not you"), html);
        assertNoSecret(mail, secret);
    }

    @Test
    void aGermanSpeakingUserGetsItInGerman() throws Exception {
        String username = Users.create("mail-de");
        UserRepresentation user = Users.get(username).toRepresentation();
        user.setAttributes(Map.of("locale", List.of("de")));
        Users.get(username).update(user);
        String secret = Users.createAppPassword(username, "Handy");

        MimeMessage mail = onlyMail(username + "@example.com");
        assertEquals("Neues App-Passwort \"Handy\" in Ihrem Konto", mail.getSubject());
        String text = part(mail, "text/plain");
        assertTrue(text.contains("In Ihrem Konto wurde soeben ein App-Passwort angelegt"), text);
        assertTrue(text.contains("Name: Handy"), text);
        assertTrue(text.matches("(?s).*Zeit: " + TIME + ".*"), text);
        assertTrue(text.matches("(?s).*IP-Adresse: " + IP + "\\s.*"), text);
        assertTrue(text.contains("Angelegt über: demo-cli"), text);
        assertTrue(text.contains("Wenn Sie das nicht waren"), text);
        assertTrue(part(mail, "text/html").contains("Wenn Sie das nicht waren"));
        assertNoSecret(mail, secret);
    }

    @Test
    void theRequiredActionSendsItToo() throws Exception {
        String username = Users.create("mail-page");
        Browser browser = Browser.demo();
        Browser.Page page = browser.login(browser.authorize("account-console",
                KeycloakServer.get().realmUrl() + "/account/", "app-password"), username, Users.PASSWORD, null);
        Browser.Page shown = page.form("kc-app-password-form").set("name", "Calendar").submit();
        String secret = shown.doc().getElementById("app-password-value").text();
        AppPasswordApi.ISSUED.add(secret);

        MimeMessage mail = onlyMail(username + "@example.com");
        assertEquals("New app password \"Calendar\" on your account", mail.getSubject());
        assertTrue(part(mail, "text/plain").contains("Created through: account-console"), part(mail, "text/plain"));
        assertNoSecret(mail, secret);
    }

    @Test
    void aMailThatCannotBeSentNeverFailsTheCreation() throws Exception {
        pointSmtpAt(freeLoopbackPort()); // nothing listens there
        String username = Users.create("mail-down");
        try {
            AppPasswordApi.Reply created = AppPasswordApi.create(Users.accountToken(username, Users.PASSWORD), "Phone");
            assertEquals(201, created.status(), created.toString());
            assertEquals(1, Users.appPasswords(username).size());
        } finally {
            pointSmtpAt(port);
        }
        assertEquals(0, mailsTo(username + "@example.com", 1, 0).size());
    }

    /** Issue 14: the clean-up job warns before an app password expires, once, in the user's language. */
    @Test
    void theJobWarnsOnceBeforeAnAppPasswordExpiresInTheUsersLanguage() throws Exception {
        String en = Users.createWithAppPasswords("warn-exp-en", List.of(Users.imported("Phone, work", 100, 1.0, 5.0),
                Users.imported("Later", 1, null, 30.0), Users.imported("Forever", 1, null, null)));
        String de = Users.createWithAppPasswords("warn-exp-de", Map.of("locale", List.of("de")),
                List.of(Users.imported("Handy", 100, null, 3.0)));

        MimeMessage mail = mailsTo(en + "@example.com", 1, 20_000).get(0);
        assertEquals("App password \"Phone, work\" expires soon", mail.getSubject());
        String text = part(mail, "text/plain");
        String inFiveDays = LocalDate.now(ZoneOffset.UTC).plusDays(5).toString();
        assertTrue(text.matches("(?s).*expires on " + inFiveDays + " \\d{2}:\\d{2}:\\d{2} UTC.*"), text);
        assertTrue(text.contains("Name: Phone, work"), text);
        assertTrue(text.contains("create a new app password"), text);
        assertTrue(part(mail, "text/html").contains("Phone, work"));

        MimeMessage deutsch = mailsTo(de + "@example.com", 1, 20_000).get(0);
        assertEquals("App-Passwort \"Handy\" läuft bald ab", deutsch.getSubject());
        assertTrue(part(deutsch, "text/plain").contains("läuft am " + LocalDate.now(ZoneOffset.UTC).plusDays(3)),
                part(deutsch, "text/plain"));

        Thread.sleep(7_000); // three more runs of the job (every 2 s in tests)
        assertEquals(1, mailsTo(en + "@example.com", 2, 0).size(), "once, not on every run; none for the later or endless one");
        assertEquals(1, mailsTo(de + "@example.com", 2, 0).size());
        assertEquals(3, Users.appPasswords(en).size(), "nothing ended");
    }

    /**
     * Issue 14: with {@code revokeUnusedDays}, the job revokes app passwords unused that long (a REMOVE_CREDENTIAL
     * with reason {@code unused}) and warns, once, of those that will be within {@code warnDaysBefore}.
     */
    @Test
    void theJobRevokesUnusedAppPasswordsAndWarnsBeforehand() throws Exception {
        String username = Users.createWithAppPasswords("unused", List.of(
                Users.imported("Idle", 100, 20.0, null),
                Users.imported("Gone", 100, 40.0, null),
                Users.imported("Busy", 100, 1.0, null),
                Users.imported("Never", 25, null, null),
                Users.imported("New", 2, null, null)));
        String address = username + "@example.com";
        Policy.demoWith(Map.of("revokeUnusedDays", "30", "warnDaysBefore", "14"));
        try {
            long end = System.currentTimeMillis() + 20_000;
            while (Users.appPasswords(username).size() == 5 && System.currentTimeMillis() < end) {
                Thread.sleep(200);
            }
            assertEquals(Set.of("Idle", "Busy", "Never", "New"), Set.copyOf(Users.appPasswords(username).stream()
                    .map(c -> c.getUserLabel()).toList()), "only the one unused for 40 days is gone");
            var removed = Users.realm().getEvents(List.of("REMOVE_CREDENTIAL"), null, Users.id(username), null, null,
                    null, 0, 10);
            assertEquals(1, removed.size(), String.valueOf(removed));
            assertEquals("unused", removed.get(0).getDetails().get("reason"));
            assertEquals("Gone", removed.get(0).getDetails().get("app_password_name"));

            List<MimeMessage> warnings = mailsTo(address, 2, 20_000);
            assertEquals(Set.of("Unused app password \"Idle\" will be deleted", "Unused app password \"Never\" will be deleted"),
                    Set.of(warnings.get(0).getSubject(), warnings.get(1).getSubject()));
            for (MimeMessage warning : warnings) {
                String text = part(warning, "text/plain");
                boolean idle = warning.getSubject().contains("Idle");
                String since = LocalDate.now(ZoneOffset.UTC).minusDays(idle ? 20 : 25).toString();
                String deleted = LocalDate.now(ZoneOffset.UTC).plusDays(idle ? 10 : 5).toString();
                assertTrue(text.contains(idle ? "has not been used since " + since : "has never been used since it was created on " + since), text);
                assertTrue(text.contains("It will be deleted on " + deleted), text);
                assertTrue(text.contains("let that app sign in once"), text);
            }
            Thread.sleep(7_000);
            assertEquals(2, mailsTo(address, 3, 0).size(), "once per app password");
            assertEquals(4, Users.appPasswords(username).size());
        } finally {
            Policy.reset();
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * The one mail to {@code to}. Counted per recipient: the clean-up job may meanwhile warn other tests'
     * users of their expiring app passwords.
     */
    private static MimeMessage onlyMail(String to) throws Exception {
        List<MimeMessage> received = mailsTo(to, 1, 15_000);
        assertEquals(1, received.size(), "exactly one mail");
        return received.get(0);
    }

    /** The mails to {@code to}, once there are at least {@code atLeast} or {@code millis} have passed. */
    private static List<MimeMessage> mailsTo(String to, int atLeast, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (true) {
            List<MimeMessage> received = new java.util.ArrayList<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                if (to.equals(m.getAllRecipients()[0].toString())) {
                    received.add(m);
                }
            }
            if (received.size() >= atLeast || System.currentTimeMillis() > end) {
                return received;
            }
            Thread.sleep(200);
        }
    }

    /** The decoded text of the first part of this type (the mail is multipart/alternative). */
    private static String part(MimeMessage mail, String type) throws Exception {
        Object content = mail.getContent();
        if (content instanceof Multipart multipart) {
            String found = find(multipart, type);
            assertNotNull(found, "no " + type + " part");
            return found;
        }
        assertTrue(mail.isMimeType(type), mail.getContentType());
        return (String) content;
    }

    private static String find(Multipart multipart, String type) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
            if (part.getContent() instanceof Multipart nested) {
                String found = find(nested, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static void assertNoSecret(MimeMessage mail, String secret) throws Exception {
        String all = GreenMailUtil.getWholeMessage(mail) + part(mail, "text/plain") + part(mail, "text/html");
        CoreAppPasswordIT.assertNoSecret(all, secret);
        CoreAppPasswordIT.assertNoSecret(all.toUpperCase(), secret.toUpperCase());
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
