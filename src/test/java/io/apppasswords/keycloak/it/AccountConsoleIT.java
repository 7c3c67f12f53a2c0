package io.apppasswords.keycloak.it;

import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import io.apppasswords.keycloak.lifecycle.DisplayTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.apppasswords.keycloak.it.TokenClient.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stock account console (Keycloak 26.7's React app) in a real headless Chromium: the app passwords on
 * <em>Signing in</em>, creating one through <em>Set up</em> and deleting it. Screenshots go to
 * {@code -Dscreenshots.dir} (default {@code target/screenshots}; the README's are in {@code docs/}).
 */
class AccountConsoleIT {

    private static final String LIST = "[data-testid='app-password/credential-list']";
    private static final String CARD = HeadlessChromium.LOGIN_CARD;
    private static KeycloakServer server;
    private static Path shots;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        shots = HeadlessChromium.screenshots();
    }

    @Test
    void signingInListsCreatesAndDeletesAppPasswords() throws InterruptedException {
        String username = Users.create("alex");
        UserRepresentation rep = Users.get(username).toRepresentation();
        rep.setFirstName("Alex");
        rep.setLastName("Example");
        Users.get(username).update(rep);

        // Two existing app passwords: one used by the mail server for IMAP, restricted to it and to reading and
        // sending mail, expiring; one expired.
        String expires = Instant.now().plus(90, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS).toString();
        String token = Users.accountToken(username, Users.PASSWORD);
        HttpReply phone = AppPasswordApi.createJson(token,
                Json.write(Map.of("name", "Phone (K-9 Mail)", "expiresAt", expires, "clients", List.of("mail-server"),
                        "protocols", List.of("imap", "smtp"))));
        assertEquals(201, phone.status(), phone.toString());
        assertTrue(TokenClient.demo().withHeader("X-Dovecot-Auth-Service", "imap").mailLogin(username,
                phone.json().path("password").asText()).ok());
        String soon = Instant.now().plus(2, ChronoUnit.SECONDS).toString();
        assertEquals(201, AppPasswordApi.createJson(token, Json.write(Map.of("name", "Old tablet", "expiresAt", soon))).status());
        Thread.sleep(2_500);

        try (HeadlessChromium chromium = new HeadlessChromium(1280, 1100)) {
            chromium.open(server.realmUrl() + "/account/account-security/signing-in");
            // The console's script sends the browser on to the login page, which may load more than once:
            // fill it in again if it was replaced under our hands.
            chromium.waitFor(() -> chromium.url().contains("/protocol/openid-connect/auth"), "the login page");
            chromium.waitFor(() -> {
                chromium.type(chromium.find("#username"), username);
                chromium.type(chromium.find("#password"), Users.PASSWORD);
                chromium.click(chromium.find("#kc-login"));
                return true;
            }, "the login form");

            chromium.find(LIST);
            assertEquals("App passwords", chromium.text(chromium.find("[data-testid='app-password/title']")));
            assertTrue(chromium.text(chromium.find("[data-testid='app-password/help-text']")).contains("Each app gets its own password"));
            String phoneRow = chromium.text(chromium.find("#cred-" + phone.json().path("id").asText()));
            assertTrue(phoneRow.contains("Phone (K-9 Mail)"), phoneRow);
            assertTrue(phoneRow.contains("Created"), phoneRow);
            // Times as the console writes "Created": long date, short time, in the browser's language; zone said.
            assertTrue(phoneRow.matches("(?s).*Last used\\s+\\p{L}+ \\d{1,2}, \\d{4},? (at )?\\d{1,2}:\\d{2}[\\s\\u202f][AP]M UTC, \\S+, mail-server, IMAP.*"), phoneRow);
            assertTrue(phoneRow.contains("Expires\n" + DisplayTime.format(Instant.parse(expires).toEpochMilli(), Locale.ENGLISH)), phoneRow);
            assertTrue(phoneRow.contains("Allowed clients\nmail-server"), phoneRow);
            assertTrue(phoneRow.contains("Protocols\nIMAP, SMTP"), phoneRow);
            assertFalse(phoneRow.contains("Expired"), phoneRow);
            String oldRow = chromium.text(chromium.find("#cred-" + Users.appPasswordId(username, "Old tablet")));
            assertTrue(oldRow.contains("Expired"), "the expired warning: " + oldRow);
            assertTrue(oldRow.contains("Last used\n-") && oldRow.contains("Allowed clients\nAny app")
                    && oldRow.contains("Protocols\nAny"), oldRow);
            chromium.screenshot(shots.resolve("account-console-signing-in.png"));

            // Set up: the required action's pages, then back to Signing in.
            chromium.click(chromium.find("[data-testid='app-password/create']"));
            String name = chromium.find("#app-password-name");
            chromium.type(name, "Thunderbird laptop");
            assertEquals(AppPasswordProtocol.values().length,
                    chromium.findAll("#app-password-protocols input[type=checkbox]:checked").size(),
                    "every protocol offered, all checked");
            chromium.screenshot(shots.resolve("app-password-create.png"), chromium.find(CARD));
            chromium.click(chromium.find("#app-password-submit"));
            String secret = chromium.text(chromium.find("#app-password-value"));
            assertTrue(secret.matches(AppPasswordAssertions.FORMAT), secret);
            AppPasswordApi.ISSUED.add(secret);
            chromium.screenshot(shots.resolve("app-password-created.png"), chromium.find(CARD));
            chromium.click(chromium.find("#app-password-done"));

            chromium.find(LIST);
            String id = Users.appPasswordId(username, "Thunderbird laptop");
            String row = chromium.text(chromium.find("#cred-" + id));
            assertTrue(row.contains("Thunderbird laptop") && row.contains("Last used\n-") && row.contains("Expires\n-")
                    && row.contains("Allowed clients\nAny app"), row);
            assertTrue(mail(username, secret).ok(), "the new app password works on the mail server");
            chromium.scrollIntoView(chromium.find("#cred-" + id));
            chromium.screenshot(shots.resolve("account-console-created.png"));

            // Delete: Keycloak's confirmation page (delete_credential action), then back.
            chromium.click(chromium.findAllIn(chromium.find("#cred-" + id), "[data-testrole='remove']").get(0));
            String accept = chromium.find("#kc-accept");
            assertFalse(chromium.findByText("*", "Thunderbird laptop").isEmpty(), "the page names what is deleted");
            chromium.screenshot(shots.resolve("app-password-delete.png"), chromium.find(CARD));
            chromium.click(accept);
            chromium.find(LIST);
            chromium.waitFor(() -> chromium.findAll("#cred-" + id).isEmpty(), "the deleted row to disappear");
            assertEquals(2, chromium.findAll(LIST + " > li").size());
            assertFalse(mail(username, secret).ok(), "deleted: refused at once");
            assertEquals(List.of("Phone (K-9 Mail)", "Old tablet"), Users.appPasswords(username).stream()
                    .map(c -> c.getUserLabel()).sorted(java.util.Comparator.reverseOrder()).toList());
        }
    }
}
