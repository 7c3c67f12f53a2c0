package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.EventRepresentation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Setting a device up from the page that shows a new app password: the configuration profile, its one-time
 * QR link, the settings table, the realm's settings, the download events. The shared server keeps the links
 * working for {@link KeycloakServer#DEVICE_LINK_SECONDS} seconds (production: 10 minutes). The page in a
 * real headless Chromium, in English, Japanese and Arabic, with and without JavaScript; screenshots
 * {@code device-setup-<locale>.png} go to {@code -Dscreenshots.dir}.
 */
class DeviceSetupIT {

    private static final Path shots = HeadlessChromium.screenshots();
    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @AfterEach
    void resetPolicy() {
        Policy.reset();
    }

    @Test
    void theProfileSetsUpMailCalendarsAndContactsWithTheAppPasswordWhichSignsIn() throws Exception {
        Policy.demoWith(DeviceSetupPage.SERVERS);
        String username = Users.create("device-profile");
        DeviceSetupPage page = DeviceSetupPage.create(username, "iPhone", Map.of());

        HttpReply download = DeviceSetupPage.open(page.profileUrl(), "en");
        assertEquals(200, download.status(), download.toString());
        assertEquals("application/x-apple-aspen-config", download.header("Content-Type"));
        assertEquals("attachment; filename=\"iPhone.mobileconfig\"", download.header("Content-Disposition"));
        assertEquals("no-store", download.header("Cache-Control"));
        Map<String, Object> profile = Plist.parse(download.body().getBytes(StandardCharsets.UTF_8));
        String id = Users.appPasswordId(username, "iPhone");
        assertEquals("io.apppasswords.keycloak." + id, profile.get("PayloadIdentifier"));
        assertEquals("Example Org", profile.get("PayloadOrganization"));
        assertEquals(false, profile.get("PayloadRemovalDisallowed"));
        List<?> content = (List<?>) profile.get("PayloadContent");
        assertEquals(List.of("com.apple.mail.managed", "com.apple.caldav.account", "com.apple.carddav.account"),
                content.stream().map(p -> ((Map<?, ?>) p).get("PayloadType")).toList());
        Map<?, ?> mail = (Map<?, ?>) content.get(0);
        assertEquals("imap.example.org", mail.get("IncomingMailServerHostName"));
        assertEquals(993L, mail.get("IncomingMailServerPortNumber"));
        assertEquals("smtp.example.org", mail.get("OutgoingMailServerHostName"));
        assertEquals(587L, mail.get("OutgoingMailServerPortNumber"));
        assertEquals(username, mail.get("IncomingMailServerUsername"));
        String password = (String) mail.get("IncomingPassword");
        assertEquals(page.secret(), password);
        assertEquals(password, ((Map<?, ?>) content.get(1)).get("CalDAVPassword"));
        assertEquals("https://dav.example.org/card/", ((Map<?, ?>) content.get(2)).get("CardDAVPrincipalURL"));
        assertTrue(TokenClient.demo().mailLogin(username, password).ok(), "the profile's password signs in");

        // the page's link works again (a second Mac, a cancelled install) until the links expire
        HttpReply again = DeviceSetupPage.open(page.profileUrl(), "en");
        assertEquals(200, again.status());
        assertEquals(profile.get("PayloadUUID"), Plist.parse(again.body().getBytes(StandardCharsets.UTF_8)).get("PayloadUUID"),
                "the same identifiers: installing again replaces the profile");

        List<EventRepresentation> downloads = downloads(username);
        assertEquals(2, downloads.size());
        for (EventRepresentation event : downloads) {
            assertEquals("profile", event.getDetails().get("app_password_download"));
            assertEquals("page", event.getDetails().get("app_password_download_via"));
            assertEquals(id, event.getDetails().get("credential_id"));
            assertFalse(event.getDetails().toString().contains(password), "no secret in the event");
        }

        assertEquals(List.of("# Incoming mail (IMAP)", "Server name=imap.example.org", "Port number=993",
                "Connection security=SSL/TLS", "User name=" + username,
                "# Outgoing mail (SMTP)", "Server name=smtp.example.org", "Port number=587",
                "Connection security=STARTTLS", "User name=" + username,
                "# Calendars (CalDAV)", "Address=https://dav.example.org/cal/", "User name=" + username,
                "# Contacts (CardDAV)", "Address=https://dav.example.org/card/", "User name=" + username), page.settings());
    }

    @Test
    void theProfilesPasswordSignsInThroughDovecot() throws Exception {
        assumeTrue(Dovecot.available(Dovecot.Line.V2_3), "Dovecot 2.3 with dovecot-auth-lua is not installed here (.ci/run installs it)");
        Policy.demoWith(DeviceSetupPage.SERVERS);
        String username = Users.create("device-dovecot");
        DeviceSetupPage page = DeviceSetupPage.create(username, "Mail app", Map.of());
        Map<?, ?> mail = (Map<?, ?>) ((List<?>) Plist.parse(DeviceSetupPage.open(page.qrUrl(), "en").body()
                .getBytes(StandardCharsets.UTF_8)).get("PayloadContent")).get(0);
        try (Dovecot dovecot = Dovecot.create(Dovecot.Line.V2_3, "device")
                .keycloakPassdb(server.tokenEndpoint(), DemoRealm.MAIL, DemoRealm.MAIL_SECRET).withoutFailureDelays().start()) {
            String imap = MailWire.imapLogin(dovecot.imapPort(), "127.0.0.1",
                    (String) mail.get("IncomingMailServerUsername"), (String) mail.get("IncomingPassword"));
            assertTrue(imap.startsWith("a OK"), imap + "\n" + dovecot.log());
            String smtp = MailWire.smtpAuthPlain(dovecot.submissionPort(), "127.0.0.1",
                    (String) mail.get("OutgoingMailServerUsername"), (String) mail.get("OutgoingPassword"));
            assertTrue(smtp.startsWith("235"), smtp);
        }
    }

    @Test
    void theQrCodeIsALinkThatWorksOnceAndTakesThePageLinkWithIt() throws Exception {
        Policy.demoWith(DeviceSetupPage.SERVERS);
        String username = Users.create("device-qr");
        DeviceSetupPage page = DeviceSetupPage.create(username, "Phone", Map.of());
        String qr = page.qrUrl();
        assertTrue(qr.matches(java.util.regex.Pattern.quote(server.realmUrl() + "/app-passwords/device/")
                + "[A-Za-z0-9_-]{65}"), qr);
        assertFalse(qr.contains(page.secret().replace("-", "")), "nothing secret in the link but its token");

        HttpReply phone = DeviceSetupPage.open(qr, "en");
        assertEquals(200, phone.status(), phone.toString());
        assertEquals("application/x-apple-aspen-config", phone.header("Content-Type"));
        Map<?, ?> mail = (Map<?, ?>) ((List<?>) Plist.parse(phone.body().getBytes(StandardCharsets.UTF_8))
                .get("PayloadContent")).get(0);
        assertEquals(page.secret(), mail.get("IncomingPassword"));

        assertGone(DeviceSetupPage.open(qr, "en"));
        assertGone(DeviceSetupPage.open(page.profileUrl(), "en"));
        List<EventRepresentation> downloads = downloads(username);
        assertEquals(1, downloads.size());
        assertEquals("qr", downloads.get(0).getDetails().get("app_password_download_via"));
    }

    @Test
    void theLinksOfADeletedAppPasswordAreGone() {
        Policy.demoWith(DeviceSetupPage.SERVERS);
        String username = Users.create("device-deleted");
        DeviceSetupPage byUser = DeviceSetupPage.create(username, "Deleted by the user", Map.of());
        DeviceSetupPage byAdmin = DeviceSetupPage.create(username, "Deleted in the admin console", Map.of());
        assertEquals(204, AppPasswordApi.delete(Users.accountToken(username, Users.PASSWORD),
                Users.appPasswordId(username, "Deleted by the user")).status());
        Users.get(username).removeCredential(Users.appPasswordId(username, "Deleted in the admin console"));
        for (DeviceSetupPage page : List.of(byUser, byAdmin)) {
            assertGone(DeviceSetupPage.open(page.qrUrl(), "en"));
            assertGone(DeviceSetupPage.open(page.profileUrl(), "en"));
        }
        assertEquals(List.of(), downloads(username));
    }

    @Test
    void anotherRealmOrAnAlteredTokenGetsTheSamePageAndLeavesTheLinkWorking() {
        Policy.demoWith(DeviceSetupPage.SERVERS);
        String username = Users.create("device-realm");
        DeviceSetupPage page = DeviceSetupPage.create(username, "Tablet", Map.of());
        String qr = page.qrUrl();
        assertGone(DeviceSetupPage.open(qr.replace("/realms/" + DemoRealm.NAME + "/", "/realms/master/"), "en"));
        char last = qr.charAt(qr.length() - 1);
        assertGone(DeviceSetupPage.open(qr.substring(0, qr.length() - 1) + (last == 'A' ? 'B' : 'A'), "en"));
        assertGone(DeviceSetupPage.open(qr.substring(0, qr.length() - 1), "en"));
        assertGone(DeviceSetupPage.open(server.realmUrl() + "/app-passwords/device/%25zz", "en"));
        assertEquals(200, DeviceSetupPage.open(qr, "en").status(), "not used up by the failed attempts");
    }

    @Test
    void theLinksExpire() throws InterruptedException {
        Policy.demoWith(DeviceSetupPage.SERVERS);
        String username = Users.create("device-expiry");
        DeviceSetupPage page = DeviceSetupPage.create(username, "Late", Map.of());
        assertTrue(page.page().doc().selectFirst("#app-password-qr-help").text().contains("1"),
                "30 s are shown as the 1 minute they round up to");
        Thread.sleep((KeycloakServer.DEVICE_LINK_SECONDS + 2) * 1000L);
        assertGone(DeviceSetupPage.open(page.profileUrl(), "en"));
        assertGone(DeviceSetupPage.open(page.qrUrl(), "ja"));
    }

    @Test
    void withoutServersNothingIsOfferedAndAScopeWithoutMailGetsOnlyTheTable() {
        String username = Users.create("device-none");
        DeviceSetupPage none = DeviceSetupPage.create(username, "No servers", Map.of());
        assertFalse(none.offersDevice());

        Policy.demoWith(DeviceSetupPage.SERVERS);
        DeviceSetupPage pop = DeviceSetupPage.create(username, "POP only",
                Map.of("protocolsOffered", "true", "protocols", "pop3"));
        assertTrue(pop.offersDevice());
        assertNull(pop.profileUrl(), "a profile could set up nothing this app password may do");
        assertTrue(pop.page().doc().select("#app-password-qr").isEmpty());
        assertEquals("# Incoming mail (IMAP)", pop.settings().get(0));
    }

    @Test
    void theAdminConsoleRefusesUnusableSettings() {
        for (Map<String, String> bad : List.of(Map.of("imapHost", "imap.example.org"),
                Map.of("imapHost", "imap.example.org", "smtpHost", "smtp.example.org", "smtpPort", "smtp"),
                Map.of("imapHost", "imap.example.org", "smtpHost", "smtp.example.org", "imapSecurity", "tls"),
                Map.of("imapHost", "imap.example.org", "smtpHost", "smtp.example.org", "caldavUrl", "dav.example.org"))) {
            Map<String, String> config = new HashMap<>(Policy.DEMO);
            config.putAll(bad);
            HttpReply reply = Policy.put(config);
            assertEquals(400, reply.status(), bad + ": " + reply);
        }
        Map<String, String> good = new HashMap<>(Policy.DEMO);
        good.putAll(DeviceSetupPage.SERVERS);
        assertEquals(204, Policy.put(good).status());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en", "ja", "ar"})
    void theProfileTheQrCodeAndTheSettingsInTheUsersLanguage(String locale) {
        Policy.demoWith(DeviceSetupPage.SERVERS);
        Properties messages = Messages.of(locale);
        String username = Users.speaking("device-" + locale, locale);
        try (HeadlessChromium chromium = new HeadlessChromium(900, 2200)) {
            String qr = createAndCheck(chromium, username, messages, locale);
            List<String> copies = chromium.findAll(".app-password-copy-setting");
            assertEquals(12, copies.size(), "one per setting: 4 for IMAP, 4 for SMTP, 2 for CalDAV, 2 for CardDAV");
            assertEquals("false", chromium.property(copies.get(0), "hidden"), "shown when script runs");
            assertEquals(Messages.msg(messages, "appPasswordCopy"), chromium.accessible(copies.get(0), "label"));
            chromium.screenshot(shots.resolve("device-setup-" + locale + ".png"), chromium.find(HeadlessChromium.LOGIN_CARD));
            assertEquals(200, DeviceSetupPage.open(qr, locale).status(), "the phone's download");
        }
    }

    @Test
    void withoutJavaScriptEverythingButTheCopyButtonsWorks() {
        Policy.demoWith(DeviceSetupPage.SERVERS);
        String username = Users.create("device-no-script");
        try (HeadlessChromium chromium = new HeadlessChromium(900, 2200, false)) {
            String qr = createAndCheck(chromium, username, Messages.of("en"), "en");
            for (String copy : chromium.findAll(".app-password-copy-setting")) {
                assertEquals("true", chromium.property(copy, "hidden"), "no button that would do nothing");
            }
            assertEquals(200, DeviceSetupPage.open(qr, "en").status());
        }
    }

    /** Creates an app password on the page and checks its device part; returns the QR code's link. */
    private static String createAndCheck(HeadlessChromium chromium, String username, Properties messages, String locale) {
        chromium.signInToAppPasswordAction(username, "account-console", server.realmUrl() + "/account/");
        chromium.type(chromium.find("#app-password-name"), "iPhone");
        chromium.click(chromium.find("#app-password-submit"));
        String secret = chromium.text(chromium.find("#app-password-value"));
        AppPasswordApi.ISSUED.add(secret);

        String profile = chromium.find("#app-password-profile");
        assertEquals(Messages.msg(messages, "appPasswordDeviceInstall"), chromium.text(profile));
        HttpReply download = DeviceSetupPage.open(chromium.property(profile, "href"), "en");
        assertEquals(200, download.status(), download.toString());
        assertTrue(download.body().contains("<string>" + secret + "</string>"));

        String image = chromium.find("#app-password-qr");
        assertEquals(Messages.msg(messages, "appPasswordDeviceQrAlt"), chromium.accessible(image, "label"),
                "what a screen reader announces for the code");
        assertEquals("image", chromium.accessible(image, "role"));
        assertTrue(Integer.parseInt(chromium.property(image, "naturalWidth")) > 0, "the image is drawn");
        // the number in the page's language: Keycloak 26.7 writes Arabic-Indic digits in Arabic, 26.4 Latin ones
        assertEquals(latinDigits(new java.text.MessageFormat(messages.getProperty("appPasswordDeviceScanHelp"),
                        java.util.Locale.forLanguageTag(locale)).format(new Object[]{1})),
                latinDigits(chromium.text(chromium.find("#app-password-qr-help"))));
        assertEquals(Messages.msg(messages, "appPasswordDeviceUnsigned"),
                chromium.text(chromium.find("#app-password-profile-unsigned")));
        String qr = DeviceSetupPage.decodeQr(chromium.property(image, "src"));
        assertTrue(qr.startsWith(server.realmUrl() + "/app-passwords/device/"), qr);
        assertEquals(Messages.msg(messages, "appPasswordDeviceOtherApps"),
                chromium.accessible(chromium.find("#app-password-settings"), "label"));
        return qr;
    }

    private static void assertGone(HttpReply reply) {
        assertEquals(410, reply.status(), reply.toString());
        assertTrue(reply.header("Content-Type").startsWith("text/html"), reply.toString());
        assertTrue(reply.body().contains("This set-up link no longer works") || reply.body().contains("この設定リンクはもう使えません"),
                reply.body());
    }

    private static List<EventRepresentation> downloads(String username) {
        return Users.realm().getEvents(List.of("CUSTOM_REQUIRED_ACTION"), null, Users.id(username), null, null, null, 0, 100)
                .stream().filter(e -> "app-password".equals(e.getDetails().get("custom_required_action"))).toList();
    }

    private static String latinDigits(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().map(c -> Character.isDigit(c) ? '0' + Character.digit(c, 10) : c).forEach(out::appendCodePoint);
        return out.toString();
    }
}
