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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DecimalStyle;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
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
    /** The account console's style: long date, short time; the zone said. "November 25, 2026, 3:05 PM UTC" */
    private static final String TIME = "\\p{L}+ \\d{1,2}, \\d{4},? (at )?\\d{1,2}:\\d{2}[ \\u202f][AP]M UTC";
    private static final String GERMAN_TIME = "\\d{1,2}\\. \\p{L}+ \\d{4},? (um )?\\d{2}:\\d{2} UTC";
    private static final String IP = "(127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1)";

    private static GreenMail smtp;
    private static int port;
    private static Map<String, String> smtpBefore;
    private static Boolean i18nBefore;
    private static Set<String> localesBefore;

    @BeforeAll
    static void startSmtp() throws IOException {
        KeycloakServer.get();
        port = Local.freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        RealmRepresentation realm = Users.realm().toRepresentation();
        smtpBefore = realm.getSmtpServer();
        i18nBefore = realm.isInternationalizationEnabled();
        localesBefore = realm.getSupportedLocales();
        realm.setInternationalizationEnabled(true);
        realm.setSupportedLocales(Set.of("en", "de", "fr", "ja", "ar"));
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
        assertTrue(text.contains("Time: " + DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.ENGLISH)
                .format(LocalDate.now(ZoneOffset.UTC))), "today, in UTC: " + text);
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
        assertTrue(text.matches("(?s).*Zeit: " + GERMAN_TIME + ".*"), text);
        assertTrue(text.matches("(?s).*IP-Adresse: " + IP + "\\s.*"), text);
        assertTrue(text.contains("Angelegt über: demo-cli"), text);
        assertTrue(text.contains("Wenn Sie das nicht waren"), text);
        assertTrue(part(mail, "text/html").contains("Wenn Sie das nicht waren"));
        assertNoSecret(mail, secret);
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
        String text = part(mail, "text/plain");
        assertTrue(text.contains(MessageFormat.format(messages.getProperty("appPasswordEmailTime"), new Object[0])
                + ": " + today), "today, in " + locale + ": " + text);
        assertTrue(text.matches("(?s).* UTC\\R.*"), "the zone is said: " + text);

        Path file = Path.of("target", "mail-" + locale + ".html").toAbsolutePath();
        // A byte order mark tells the browser the charset, as the MIME header tells a mail client.
        Files.writeString(file, "\uFEFF" + part(mail, "text/html"), StandardCharsets.UTF_8);
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
        pointSmtpAt(Local.freePort()); // nothing listens there
        try {
            String username = Users.create("mail-down");
            HttpReply created = AppPasswordApi.create(Users.accountToken(username, Users.PASSWORD), "Phone");
            assertEquals(201, created.status(), created.toString());
            assertEquals(1, Users.appPasswords(username).size());
        } finally {
            pointSmtpAt(port);
        }
        assertEquals(0, smtp.getReceivedMessages().length);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static MimeMessage onlyMail(String to) throws Exception {
        assertTrue(smtp.waitForIncomingEmail(15_000, 1), "a mail within 15 s");
        MimeMessage[] received = smtp.getReceivedMessages();
        assertEquals(1, received.length, "exactly one mail");
        assertEquals(to, received[0].getAllRecipients()[0].toString());
        return received[0];
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
        AppPasswordAssertions.assertNoSecret(all, secret);
        AppPasswordAssertions.assertNoSecret(all.toUpperCase(), secret.toUpperCase());
    }
}
