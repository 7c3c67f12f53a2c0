package io.apppasswords.keycloak.it;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DecimalStyle;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The e-mail a user gets for every new app password, received by a real SMTP server (GreenMail) on a
 * loopback port that the realm is pointed at for this class only.
 */
class NotificationIT {

    /** The account console's style: long date, short time; the zone said. "November 25, 2026, 3:05 PM UTC" */
    private static final String TIME = "\\p{L}+ \\d{1,2}, \\d{4},? (at )?\\d{1,2}:\\d{2}[ \\u202f][AP]M UTC";
    private static final String GERMAN_TIME = "\\d{1,2}\\. \\p{L}+ \\d{4},? (um )?\\d{2}:\\d{2} UTC";
    private static final String IP = "(127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1)";

    private static Mailbox mailbox;
    private static Boolean i18nBefore;
    private static Set<String> localesBefore;

    @BeforeAll
    static void startSmtp() {
        mailbox = Mailbox.open();
        RealmRepresentation realm = Users.realm().toRepresentation();
        i18nBefore = realm.isInternationalizationEnabled();
        localesBefore = realm.getSupportedLocales();
        realm.setInternationalizationEnabled(true);
        realm.setSupportedLocales(Set.of("en", "de", "fr", "ja", "ar"));
        realm.setDefaultLocale("en");
        Users.realm().update(realm);
    }

    @AfterAll
    static void stopSmtp() {
        try {
            RealmRepresentation realm = Users.realm().toRepresentation();
            realm.setInternationalizationEnabled(Boolean.TRUE.equals(i18nBefore));
            realm.setSupportedLocales(localesBefore == null ? Set.of() : localesBefore);
            Users.realm().update(realm);
        } finally {
            if (mailbox != null) {
                mailbox.close();
            }
        }
    }

    @BeforeEach
    @AfterEach
    void purge() throws Exception {
        mailbox.purge();
    }

    @Test
    void anEnglishMailNamesTheAppPasswordTimeIpAndClientButNeverTheSecret() throws Exception {
        String username = Users.create("mail-en");
        String secret = Users.createAppPassword(username, "Thunderbird <laptop>");

        MimeMessage mail = onlyMail(username + "@example.com");
        assertEquals("New app password \"Thunderbird <laptop>\" on your account", mail.getSubject());
        assertEquals(Mailbox.FROM, ((jakarta.mail.internet.InternetAddress) mail.getFrom()[0]).getAddress());
        String text = Mailbox.part(mail, "text/plain");
        String html = Mailbox.part(mail, "text/html");
        assertTrue(text.contains("An app password was just created on your account"), text);
        assertTrue(text.contains("Name: Thunderbird <laptop>"), text);
        assertTrue(text.matches("(?s).*Time: " + TIME + ".*"), text);
        assertTrue(text.contains("Time: " + DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.ENGLISH)
                .format(LocalDate.now(ZoneOffset.UTC))), "today, in UTC: " + text);
        assertTrue(text.matches("(?s).*IP address: " + IP + "\\s.*"), text);
        assertTrue(text.contains("Created through: demo-cli"), text);
        assertTrue(text.contains("If this was not you, delete this app password"), text);
        assertTrue(html.contains("Thunderbird &lt;laptop&gt;"), "HTML-escaped name: " + html);
        assertFalse(html.contains("Thunderbird <laptop>"), html);
        assertTrue(html.contains("demo-cli") && html.matches("(?s).*" + TIME + ".*") && html.matches("(?s).*" + IP + ".*"), html);
        assertTrue(html.contains("If this was not you"), html);
        Mailbox.assertNoSecret(mail, secret);
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
        String text = Mailbox.part(mail, "text/plain");
        assertTrue(text.contains("In Ihrem Konto wurde soeben ein App-Passwort angelegt"), text);
        assertTrue(text.contains("Name: Handy"), text);
        assertTrue(text.matches("(?s).*Zeit: " + GERMAN_TIME + ".*"), text);
        assertTrue(text.matches("(?s).*IP-Adresse: " + IP + "\\s.*"), text);
        assertTrue(text.contains("Angelegt über: demo-cli"), text);
        assertTrue(text.contains("Wenn Sie das nicht waren"), text);
        assertTrue(Mailbox.part(mail, "text/html").contains("Wenn Sie das nicht waren"));
        Mailbox.assertNoSecret(mail, secret);
    }

    /**
     * The creation mail in French, Japanese and Arabic, opened in a real browser (as a webmail shows the
     * HTML part): the user's language, their script's direction, the time written their way. Screenshots
     * go to {@code -Dscreenshots.dir}.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fr", "ja", "ar"})
    void theMailReadsInTheUsersLanguageInABrowser(String locale) throws Exception {
        String username = Users.create("mail-" + locale);
        UserRepresentation user = Users.get(username).toRepresentation();
        user.setAttributes(Map.of("locale", List.of(locale)));
        Users.get(username).update(user);
        String secret = Users.createAppPassword(username, "Thunderbird");

        MimeMessage mail = onlyMail(username + "@example.com");
        Properties messages = new Properties();
        try (var in = Files.newBufferedReader(Path.of("themes/messages/messages_" + locale + ".properties"))) {
            messages.load(in);
        }
        assertEquals(MessageFormat.format(messages.getProperty("appPasswordEmailSubject"), "Thunderbird"), mail.getSubject());
        Locale language = Locale.forLanguageTag(locale);
        String today = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(language)
                .withDecimalStyle(DecimalStyle.of(language)).format(LocalDate.now(ZoneOffset.UTC));
        String text = Mailbox.part(mail, "text/plain");
        assertTrue(text.contains(MessageFormat.format(messages.getProperty("appPasswordEmailTime"), new Object[0])
                + ": " + today), "today, in " + locale + ": " + text);
        assertTrue(text.matches("(?s).* UTC\\R.*"), "the zone is said: " + text);

        Path file = Path.of("target", "mail-" + locale + ".html").toAbsolutePath();
        // A byte order mark tells the browser the charset, as the MIME header tells a mail client.
        Files.writeString(file, "\uFEFF" + Mailbox.part(mail, "text/html"), StandardCharsets.UTF_8);
        try (HeadlessChromium chromium = new HeadlessChromium(700, 420)) {
            chromium.open(file.toUri().toString());
            String html = chromium.find("html");
            assertEquals(locale, chromium.property(html, "lang"));
            assertEquals(locale.equals("ar") ? "rtl" : "ltr", chromium.property(html, "dir"));
            String body = chromium.text(chromium.find("body"));
            assertTrue(body.contains(today) && body.contains("Thunderbird"), body);
            assertTrue(body.contains(MessageFormat.format(messages.getProperty("appPasswordEmailIfNotYou"), new Object[0])), body);
            chromium.screenshot(HeadlessChromium.screenshots().resolve("app-password-email-" + locale + ".png"));
        }
        Mailbox.assertNoSecret(mail, secret);
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
        assertTrue(Mailbox.part(mail, "text/plain").contains("Created through: account-console"), Mailbox.part(mail, "text/plain"));
        Mailbox.assertNoSecret(mail, secret);
    }

    @Test
    void aMailThatCannotBeSentNeverFailsTheCreation() throws Exception {
        mailbox.pointRealmAt(Local.freePort()); // nothing listens there
        String username = Users.create("mail-down");
        try {
            HttpReply created = AppPasswordApi.create(Users.accountToken(username, Users.PASSWORD), "Phone");
            assertEquals(201, created.status(), created.toString());
            assertEquals(1, Users.appPasswords(username).size());
        } finally {
            mailbox.pointRealmHere();
        }
        assertEquals(0, mailbox.to(username + "@example.com", 1, 0).size());
    }

    /**
     * A mail server that accepts the connection and never answers holds up neither the API's answer nor the
     * page that shows the new app password: the mail goes out after commit from a pool thread, which meets
     * the silent server (Keycloak's SMTP timeout is 10 s).
     */
    @Test
    void aHangingMailServerDelaysNeitherTheApiNorThePage() throws Exception {
        String api = Users.create("mail-hanging-api");
        String page = Users.create("mail-hanging-page");
        String apiToken = Users.accountToken(api, Users.PASSWORD);
        Browser browser = Browser.demo();
        Browser.Page form = browser.login(browser.authorize("account-console",
                KeycloakServer.get().realmUrl() + "/account/", "app-password"), page, Users.PASSWORD, null);
        try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            mailbox.pointRealmAt(hanging.getLocalPort());
            hanging.setSoTimeout(15_000);

            long start = System.nanoTime();
            HttpReply created = AppPasswordApi.create(apiToken, "Phone");
            long apiMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(201, created.status(), created.toString());
            try (Socket mail = hanging.accept()) {
                assertTrue(mail.isConnected(), "Keycloak set out to send the creation mail");
            }

            start = System.nanoTime();
            Browser.Page shown = form.form("kc-app-password-form").set("name", "Calendar").submit();
            long pageMillis = (System.nanoTime() - start) / 1_000_000;
            String secret = shown.doc().getElementById("app-password-value").text();
            AppPasswordApi.ISSUED.add(secret);
            try (Socket mail = hanging.accept()) {
                assertTrue(mail.isConnected(), "Keycloak set out to send the creation mail");
            }

            assertTrue(apiMillis < 5_000, "API answered after " + apiMillis + " ms, not after the mail server's timeout");
            assertTrue(pageMillis < 5_000, "page shown after " + pageMillis + " ms, not after the mail server's timeout");
        } finally {
            mailbox.pointRealmHere();
        }
    }

    /**
     * The clean-up's warnings are sent after its run commits: with a mail server that never answers, a run
     * still notes the warning and ends what is due at once, instead of waiting out the SMTP timeout per mail
     * (and, the mail failing, warning again on every run).
     */
    @Test
    void aHangingMailServerDoesNotHoldUpTheCleanUp() throws Exception {
        try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            mailbox.pointRealmAt(hanging.getLocalPort());
            hanging.setSoTimeout(15_000);
            String username = Users.createWithAppPasswords("warn-hanging", List.of(
                    Users.imported("Soon", 100, 1.0, 5.0), Users.imported("Long expired", 100, 60.0, -40.0)));

            long end = System.currentTimeMillis() + 10_000;
            List<CredentialRepresentation> left = Users.appPasswords(username);
            while (!(left.size() == 1 && left.get(0).getCredentialData().contains("warnedExpiry"))
                    && System.currentTimeMillis() < end) {
                Thread.sleep(200);
                left = Users.appPasswords(username);
            }
            assertEquals(List.of("Soon"), left.stream().map(CredentialRepresentation::getUserLabel).toList(),
                    "the expired one ended");
            assertTrue(left.get(0).getCredentialData().contains("warnedExpiry"), left.get(0).getCredentialData());
            try (Socket mail = hanging.accept()) {
                assertTrue(mail.isConnected(), "Keycloak set out to send the warning");
            }
        } finally {
            mailbox.pointRealmHere();
        }
    }

    /** Issue 14: the clean-up job warns before an app password expires, once, in the user's language. */
    @Test
    void theJobWarnsOnceBeforeAnAppPasswordExpiresInTheUsersLanguage() throws Exception {
        String en = Users.createWithAppPasswords("warn-exp-en", List.of(Users.imported("Phone, work", 100, 1.0, 5.0),
                Users.imported("Later", 1, null, 30.0), Users.imported("Forever", 1, null, null)));
        String de = Users.createWithAppPasswords("warn-exp-de", Map.of("locale", List.of("de")),
                List.of(Users.imported("Handy", 100, null, 3.0)));

        MimeMessage mail = mailbox.to(en + "@example.com", 1, 20_000).get(0);
        assertEquals("App password \"Phone, work\" expires soon", mail.getSubject());
        String text = Mailbox.part(mail, "text/plain");
        assertTrue(text.contains("expires on " + longDate(5, Locale.ENGLISH)), text);
        assertTrue(text.contains("Name: Phone, work"), text);
        assertTrue(text.contains("create a new app password"), text);
        assertTrue(Mailbox.part(mail, "text/html").contains("Phone, work"));

        MimeMessage deutsch = mailbox.to(de + "@example.com", 1, 20_000).get(0);
        assertEquals("App-Passwort \"Handy\" läuft bald ab", deutsch.getSubject());
        assertTrue(Mailbox.part(deutsch, "text/plain").contains("läuft am " + longDate(3, Locale.GERMAN)),
                Mailbox.part(deutsch, "text/plain"));

        Thread.sleep(7_000); // three more runs of the job (every 2 s in tests)
        assertEquals(1, mailbox.to(en + "@example.com", 2, 0).size(), "once, not on every run; none for the later or endless one");
        assertEquals(1, mailbox.to(de + "@example.com", 2, 0).size());
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

            List<MimeMessage> warnings = mailbox.to(address, 2, 20_000);
            assertEquals(Set.of("Unused app password \"Idle\" will be deleted", "Unused app password \"Never\" will be deleted"),
                    Set.of(warnings.get(0).getSubject(), warnings.get(1).getSubject()));
            for (MimeMessage warning : warnings) {
                String text = Mailbox.part(warning, "text/plain");
                boolean idle = warning.getSubject().contains("Idle");
                String since = longDate(idle ? -20 : -25, Locale.ENGLISH);
                String deleted = longDate(idle ? 10 : 5, Locale.ENGLISH);
                assertTrue(text.contains(idle ? "has not been used since " + since : "has never been used since it was created on " + since), text);
                assertTrue(text.contains("It will be deleted on " + deleted), text);
                assertTrue(text.contains("let that app sign in once"), text);
            }
            Thread.sleep(7_000);
            assertEquals(2, mailbox.to(address, 3, 0).size(), "once per app password");
            assertEquals(4, Users.appPasswords(username).size());
        } finally {
            Policy.reset();
        }
    }

    /** The date {@code days} from today (UTC) as the mails write it: the long localized date. */
    private static String longDate(int days, Locale locale) {
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale)
                .format(LocalDate.now(ZoneOffset.UTC).plusDays(days));
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * The one mail to {@code to}. Counted per recipient: the clean-up job may meanwhile warn other tests'
     * users of their expiring app passwords.
     */
    private static MimeMessage onlyMail(String to) throws Exception {
        List<MimeMessage> received = mailbox.to(to, 1, 15_000);
        assertEquals(1, received.size(), "exactly one mail");
        return received.get(0);
    }
}
