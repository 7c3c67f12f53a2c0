package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The creation page and the page that shows the secret once, in a real headless Chromium: in French,
 * Japanese and Arabic (right to left), driven by the keyboard alone, and the way forward for a user the
 * policy refuses for lack of a second factor. Screenshots go to {@code -Dscreenshots.dir} (default
 * {@code target/screenshots}; the README's are in {@code docs/}).
 */
class CreationPageIT {

    private static final String CARD = HeadlessChromium.LOGIN_CARD;
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fr", "ja", "ar"})
    void theUsersLanguageAndTheKeyboardAloneCreateAnAppPassword(String locale) throws IOException {
        Policy.demoWith(Map.of("defaultLifetimeDays", "30", "maxLifetimeDays", "90")); // offers 7, 30 and 90 days
        Properties messages = Messages.of(locale);
        String username = Users.speaking("speaks-" + locale, locale);
        try (HeadlessChromium chromium = new HeadlessChromium(900, 1000)) {
            chromium.signInToAppPasswordAction(username, "account-console", server.realmUrl() + "/account/");

            String name = chromium.find("#app-password-name");
            assertEquals(locale, chromium.property(chromium.find("html"), "lang"));
            assertEquals(locale.equals("ar") ? "rtl" : "ltr", chromium.property(chromium.find("html"), "dir"));
            assertEquals(Messages.msg(messages, "appPasswordCreateTitle"), chromium.text(chromium.find("#kc-page-title")));
            // What a screen reader announces for each control: its visible label, in the user's language.
            assertEquals(Messages.msg(messages, "appPasswordName"), chromium.accessible(name, "label"));
            String lifetime = chromium.find("#app-password-lifetime");
            assertEquals(Messages.msg(messages, "appPasswordLifetime"), chromium.accessible(lifetime, "label"));
            List<String> boxes = chromium.findAll("#app-password-clients input[type=checkbox]");
            assertEquals(List.of("mail-server", "mail-mixed"), boxes.stream().map(b -> chromium.property(b, "value")).toList());
            assertEquals("group", chromium.accessible(chromium.find("#app-password-clients"), "role"));
            assertEquals(Messages.msg(messages, "appPasswordRestrictClients"), chromium.accessible(chromium.find("#app-password-clients"), "label"));
            assertEquals("Mail server (IMAP/SMTP)", chromium.accessible(boxes.get(0), "label"), "the client's name from the realm");

            // Keyboard only: the name has the focus; Tab, arrow down, Tab, space, Tab through the boxes and networks, Enter.
            assertEquals(name, chromium.focused(), "the name field has the focus when the page opens");
            chromium.keys("Thunderbird " + locale);
            chromium.keys(HeadlessChromium.TAB);
            assertEquals(lifetime, chromium.focused());
            assertEquals("30", chromium.property(lifetime, "value"), "the default");
            chromium.keys(HeadlessChromium.ARROW_DOWN);
            assertEquals("90", chromium.property(lifetime, "value"), "the arrow key picks the next lifetime");
            chromium.keys(HeadlessChromium.TAB);
            assertEquals(boxes.get(0), chromium.focused());
            chromium.keys(HeadlessChromium.SPACE);
            assertEquals("true", chromium.property(boxes.get(0), "checked"));
            chromium.keys(HeadlessChromium.TAB);
            assertEquals(boxes.get(1), chromium.focused());
            for (String protocol : chromium.findAll("#app-password-protocols input[type=checkbox]")) {
                chromium.keys(HeadlessChromium.TAB);
                assertEquals(protocol, chromium.focused(), "each protocol box in turn");
            }
            chromium.keys(HeadlessChromium.TAB);
            assertEquals(chromium.find("#app-password-networks"), chromium.focused(), "then the networks field");
            chromium.keys(HeadlessChromium.TAB);
            assertEquals(chromium.find("#app-password-submit"), chromium.focused());
            chromium.screenshot(shots.resolve("app-password-create-" + locale + ".png"), chromium.find(CARD));
            chromium.keys(HeadlessChromium.ENTER);

            String secret = chromium.text(chromium.find("#app-password-value"));
            assertTrue(secret.matches(AppPasswordAssertions.FORMAT), secret);
            AppPasswordApi.ISSUED.add(secret);
            assertEquals(Messages.msg(messages, "appPasswordCreatedTitle"), chromium.text(chromium.find("#kc-page-title")));
            assertEquals(Messages.msg(messages, "appPasswordShownOnce"), chromium.text(chromium.find("#app-password-once")));
            chromium.screenshot(shots.resolve("app-password-created-" + locale + ".png"), chromium.find(CARD));
        }
        CredentialRepresentation stored = Users.appPasswords(username).get(0);
        assertEquals("Thunderbird " + locale, stored.getUserLabel());
        JsonNode data = Json.read(stored.getCredentialData());
        assertEquals(List.of("mail-server"), List.of(data.path("clients").get(0).asText()), stored.getCredentialData());
        long days = Duration.between(Instant.now(), Instant.parse(data.path("expiresAtUtc").asText())).toDays();
        assertTrue(days == 89 || days == 90, "the 90 days chosen: " + stored.getCredentialData());
    }

    @Test
    void aUserWithoutASecondFactorSetsUpAnAuthenticatorAppAndComesBackToCreateOne() {
        Policy.demoWith(Map.of("requireSecondFactor", "true"));
        String username = Users.create("no-2fa");
        // The account console's script would log in anew at once, replacing the URL this test reads; Keycloak
        // answers 404 here, so the browser stays on the redirect back to the app.
        String callback = server.realmUrl() + "/creation-page-test-callback";
        ClientRepresentation app = Fixtures.redirectClient("creation-page", callback, Map.of());
        try (HeadlessChromium chromium = new HeadlessChromium(900, 1000)) {
            chromium.signInToAppPasswordAction(username, app.getClientId(), callback);

            String otp = chromium.find("#app-password-set-up-CONFIGURE_TOTP");
            assertTrue(chromium.text(chromium.find(".kc-feedback-text")).contains("Set up two-factor authentication"));
            assertEquals("Set up an authenticator app", chromium.text(otp));
            assertEquals("Set up a passkey", chromium.text(chromium.find("#app-password-set-up-webauthn-register-passwordless")));
            assertFalse(chromium.findAll("#app-password-cancel").isEmpty(), "and still a way back");
            chromium.screenshot(shots.resolve("app-password-second-factor.png"), chromium.find(CARD));

            // Keycloak's own page for an authenticator app, then straight back to the creation page.
            chromium.click(otp);
            String rawSecret = chromium.property(chromium.find("input[name=totpSecret]"), "value");
            chromium.type(chromium.find("#totp"), new Totp(rawSecret, 6, 30, "HmacSHA1").fresh());
            chromium.click(chromium.find("#kc-totp-settings-form [type=submit]:not([name=cancel-aia])"));

            chromium.type(chromium.find("#app-password-name"), "After OTP");
            assertTrue(chromium.findAll("#app-password-set-up-CONFIGURE_TOTP").isEmpty());
            chromium.click(chromium.find("#app-password-submit"));
            String secret = chromium.text(chromium.find("#app-password-value"));
            assertTrue(secret.matches(AppPasswordAssertions.FORMAT), secret);
            AppPasswordApi.ISSUED.add(secret);
            chromium.click(chromium.find("#app-password-done"));
            chromium.awaitUrl(callback);
            assertTrue(chromium.url().contains("kc_action_status=success"), chromium.url());
            assertTrue(TokenClient.demo().mailLogin(username, secret).ok(), "the new app password works");
        } finally {
            Users.realm().clients().get(app.getId()).remove();
        }
        List<String> types = Users.get(username).credentials().stream().map(CredentialRepresentation::getType).sorted().toList();
        assertEquals(List.of("app-password", "app-password-history", "otp", "password"), types);
    }

    @Test
    void onlyTheOfferedSetUpRunsAndOnlyForAUserWhoIsRefusedForLackOfIt() {
        Policy.demoWith(Map.of("requireSecondFactor", "true"));
        String account = server.realmUrl() + "/account/";

        // Refused, but asks for a required action that is no second factor: the refusal again, nothing added.
        String refused = Users.create("forged-set-up");
        Browser browser = Browser.demo();
        Browser.Page page = browser.login(browser.authorize("account-console", account, "app-password"), refused, Users.PASSWORD, null);
        assertTrue(page.hasForm("kc-app-password-denied-form"), page.describe());
        Browser.Page again = page.form("kc-app-password-denied-form").set("setUp", "UPDATE_PASSWORD").submit();
        assertTrue(again.hasForm("kc-app-password-denied-form"), again.describe());

        // Has a second factor already: a forged set-up gives the creation page, not another OTP device.
        Totp totp = Users.newTotp();
        String ready = Users.create("forged-set-up", totp);
        Browser other = Browser.demo();
        Browser.Page form = other.login(other.authorize("account-console", account, "app-password"), ready, Users.PASSWORD, totp);
        assertTrue(form.hasForm("kc-app-password-form"), form.describe());
        Browser.Page stillHere = form.form("kc-app-password-form").set("setUp", "CONFIGURE_TOTP").submit();
        assertTrue(stillHere.hasForm("kc-app-password-form"), stillHere.describe());
        assertFalse(stillHere.hasForm("kc-totp-settings-form"), stillHere.describe());
    }
}
