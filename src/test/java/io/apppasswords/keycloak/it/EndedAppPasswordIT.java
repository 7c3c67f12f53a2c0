package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.apppasswords.keycloak.it.TokenClient.mail;
import static io.apppasswords.keycloak.it.DemoRealm.MAIL;
import static io.apppasswords.keycloak.it.DemoRealm.MAIL_SECRET;
import static io.apppasswords.keycloak.it.DemoRealm.MIXED;
import static io.apppasswords.keycloak.it.DemoRealm.MIXED_SECRET;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertNoSecret;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertStockInvalidGrant;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.mutate;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forgotten device never locks its user out: with brute-force protection on (3 failures lock), an app
 * password that has ended (deleted, expired, revoked by a password change) is refused every time it is retried
 * but never counted, the event says why, and the user gets one e-mail (GreenMail) naming it.
 */
class EndedAppPasswordIT {

    private static RealmRepresentation before;
    private static Mailbox mailbox;

    @BeforeAll
    static void bruteForceAndSmtp() {
        mailbox = Mailbox.open();
        before = Users.realm().toRepresentation();
        Users.realm().update(Fixtures.bruteForceOn(Users.realm().toRepresentation()));
    }

    @AfterAll
    static void restore() {
        try {
            Policy.reset();
            Users.realm().update(before);
        } finally {
            mailbox.close();
        }
    }

    @BeforeEach
    void purge() throws Exception {
        mailbox.purge();
    }

    @Test
    void deletedInTheAccountConsoleAndRetriedTenTimesNeverLocksAndRandomValuesStillDo() throws Exception {
        String username = Users.create("ended-console");
        String secret = Users.createAppPassword(username, "Old phone");
        String id = Users.appPasswords(username).get(0).getId();
        deleteInAccountConsole(username, id);

        HttpReply wrong = mail("nobody-" + username, mutate(secret));
        for (int i = 0; i < 10; i++) {
            HttpReply r = i % 2 == 0 ? mail(username, secret)
                    : TokenClient.demo().passwordGrant(MIXED, MIXED_SECRET, username, secret);
            assertEquals(400, r.status(), r.toString());
            assertEquals(wrong.body(), r.body(), "answered like a wrong value");
        }
        webFailure(username);
        assertFailures(username, 1); // the web failure alone: the ten retries before it were not counted

        List<EventRepresentation> errors = loginErrors(username, "app_password_deleted");
        assertEquals(10, errors.size(), String.valueOf(errors));
        for (EventRepresentation e : errors) {
            assertEquals("deleted by user", e.getDetails().get("reason"));
            assertEquals("Old phone", e.getDetails().get("app_password_name"));
            assertEquals(id, e.getDetails().get("credential_id"));
            assertNoSecret(e.toString() + e.getDetails(), secret);
        }

        // the web login works (and, succeeding, clears the count); random values are refused, counted by no one
        assertTrue(TokenClient.demo().passwordGrant("demo-cli", null, username, Users.PASSWORD).ok(), "web login works");
        for (String value : List.of(mutate(secret), "abcd-efgh-jkmn-pqrs-tvwx-yz23", "not even an app password")) {
            mail(username, value);
        }
        webFailure(username);
        assertFailures(username, 1);
        assertEquals(3, loginErrors(username, "invalid_user_credentials").stream()
                .filter(e -> "app-password".equals(e.getDetails().get("credential_type"))).count(),
                "the random values, besides the two web failures");
    }

    @Test
    void oneMailPerAppPasswordNotOnePerRetryNamingWhatWhenAndWhereButNeverTheSecret() throws Exception {
        String username = Users.create("ended-mail");
        String secret = Users.createAppPassword(username, "Thunderbird <laptop>");
        String id = Users.appPasswords(username).get(0).getId();
        deleteInAccountConsole(username, id);
        mailbox.purgeCreationNotice(username);
        for (int i = 0; i < 5; i++) {
            assertFalse(mail(username, secret).ok());
        }
        assertTrue(mailbox.await(1));
        Thread.sleep(2000); // room for a wrong second mail to arrive
        MimeMessage[] received = mailbox.received();
        assertEquals(1, received.length, "one mail for five retries");
        MimeMessage notice = received[0];
        assertEquals("Your ended app password \"Thunderbird <laptop>\" is still in use", notice.getSubject());
        String text = Mailbox.part(notice, "text/plain");
        String html = Mailbox.part(notice, "text/html");
        assertTrue(text.contains("Name: Thunderbird <laptop>"), text);
        // the time in the user's language, as the account console writes it: "November 25, 2026, 3:05 PM UTC"
        assertTrue(text.matches("(?s).*Ended: deleted by you, \\p{L}+ \\d{1,2}, \\d{4},? (at )?\\d{1,2}:\\d{2}[ \\u202f][AP]M UTC.*"), text);
        assertTrue(text.contains("Used through: " + MAIL), text);
        assertTrue(text.matches("(?s).*IP address: (127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1)\\s.*"), text);
        assertTrue(html.contains("Thunderbird &lt;laptop&gt;") && html.contains("deleted by you"), html);
        Mailbox.assertNoSecret(notice, secret);
    }

    /**
     * The notice goes out from a thread of its own: a mail server that accepts the connection and never
     * greets (Keycloak waits 10 s for it by default) does not hold up the refusal the mail app gets.
     */
    @Test
    void aHangingMailServerDoesNotDelayTheRefusal() throws Exception {
        String username = Users.create("ended-hanging-smtp");
        String secret = Users.createAppPassword(username, "Old tablet");
        deleteInAccountConsole(username, Users.appPasswords(username).get(0).getId());
        try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            mailbox.pointRealmAt(hanging.getLocalPort());
            long start = System.nanoTime();
            HttpReply refused = mail(username, secret);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(400, refused.status(), refused.toString());
            hanging.setSoTimeout(15_000);
            try (Socket notice = hanging.accept()) {
                assertTrue(notice.isConnected(), "Keycloak set out to send the notice");
            }
            assertTrue(millis < 5_000, "refused after " + millis + " ms, not after the mail server's timeout");
        } finally {
            mailbox.pointRealmHere();
        }
    }

    @Test
    void anExpiredOneRetriedSixTimesIsRefusedUncounted() throws Exception {
        String username = Users.create("ended-expired");
        Instant soon = Instant.now().plusSeconds(3);
        HttpReply created = AppPasswordApi.createJson(Users.accountToken(username, Users.PASSWORD),
                "{\"name\":\"Tablet\",\"expiresAt\":\"" + soon + "\"}");
        assertEquals(201, created.status(), created.toString());
        String secret = created.json().path("password").asText();
        while (Instant.now().isBefore(soon.plusMillis(300))) {
            Thread.sleep(100);
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(400, mail(username, secret).status());
        }
        webFailure(username);
        assertFailures(username, 1);
        assertEquals(6, loginErrors(username, "app_password_expired").size());
    }

    @Test
    void aPasswordChangeWithThreeDevicesRetryingFiveTimesEachLocksNobody() throws Exception {
        String username = Users.create("ended-pwchange");
        List<String> devices = new ArrayList<>();
        for (String name : List.of("Phone", "Laptop", "Tablet")) {
            devices.add(Users.createAppPassword(username, name));
        }
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue("new-main-password-9");
        password.setTemporary(false);
        Users.get(username).resetPassword(password);
        assertEquals(List.of(), Users.appPasswords(username));

        for (int round = 0; round < 5; round++) {
            for (String device : devices) {
                assertEquals(400, mail(username, device).status());
            }
        }
        webFailure(username);
        assertFailures(username, 1);
        assertEquals(15, loginErrors(username, "app_password_revoked").size());
        assertTrue(TokenClient.demo().passwordGrant("demo-cli", null, username, "new-main-password-9").ok());
    }

    @Test
    void anotherUsersEndedAppPasswordIsAnOrdinaryWrongValue() throws Exception {
        String owner = Users.create("ended-owner");
        String secret = Users.createAppPassword(owner, "Shared once");
        Users.get(owner).removeCredential(Users.appPasswords(owner).get(0).getId()); // admin console's Credentials tab
        assertEquals(1, loginErrorsAfter(owner, secret, "app_password_deleted"));

        String other = Users.create("ended-other");
        Users.createAppPassword(other, "Mine");
        for (int i = 0; i < 3; i++) {
            assertEquals(400, mail(other, secret).status());
        }
        assertEquals(3, loginErrors(other, "invalid_user_credentials").size());
    }

    @Test
    void theAdminConsoleShowsTheRecordTheAccountConsoleNothingNewAndRetentionForgetsIt() throws Exception {
        String username = Users.create("ended-retention");
        String secret = Users.createAppPassword(username, "Car");
        String id = Users.appPasswords(username).get(0).getId();
        List<CredentialRepresentation> records = records(username);
        assertEquals(1, records.size(), "written with the app password");
        assertNull(records.get(0).getUserLabel());
        assertNull(records.get(0).getSecretData(), "the admin API never shows the digest");
        assertTrue(records.get(0).getCredentialData().contains("\"name\":\"Car\""), records.get(0).getCredentialData());

        deleteInAccountConsole(username, id);
        assertTrue(records(username).get(0).getCredentialData().contains("\"reason\":\"DELETED_BY_USER\""));
        JsonNode account = AppPasswordApi.send("GET", KeycloakServer.get().realmUrl() + "/account/credentials",
                Users.accountToken(username, Users.PASSWORD), null, null).json();
        assertFalse(account.toString().contains("app-password-history"), account.toString());
        assertFalse(account.toString().contains("Car"), "the account console lists no ended app password");

        Policy.demoWith(Map.of("endedRetentionDays", "0"));
        try {
            waitFor(() -> records(username).isEmpty()); // the clean-up (every 2 s on the test server)
            mail(username, secret);
            assertEquals(1, loginErrors(username, "invalid_user_credentials").size(), "forgotten: an ordinary wrong value again");
        } finally {
            Policy.reset();
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void deleteInAccountConsole(String username, String id) {
        Browser browser = Browser.demo();
        Browser.Page confirm = browser.login(browser.authorize("account-console",
                KeycloakServer.get().realmUrl() + "/account/", "delete_credential:" + id), username, Users.PASSWORD, null);
        Browser.Page done = confirm.firstForm().submit("accept");
        assertEquals("success", done.redirectParam("kc_action_status"), done.location());
    }

    private static List<CredentialRepresentation> records(String username) {
        return Users.get(username).credentials().stream().filter(c -> "app-password-history".equals(c.getType())).toList();
    }

    private static List<EventRepresentation> loginErrors(String username, String error) {
        return Users.realm().getEvents(List.of("LOGIN_ERROR"), null, Users.id(username), null, null, null, 0, 100)
                .stream().filter(e -> error.equals(e.getError())).toList();
    }

    /** A wrong main password at the web login's direct grant: since issue 23 the only kind of failure Keycloak counts here. */
    private static void webFailure(String username) {
        assertStockInvalidGrant(TokenClient.demo().passwordGrant("demo-cli", null, username, "wrong-main-password"));
    }

    private static int loginErrorsAfter(String username, String secret, String error) {
        assertEquals(400, mail(username, secret).status());
        return loginErrors(username, error).size();
    }

    /**
     * Keycloak counts failures off the request thread: waits for {@code expected}, then checks it stays there
     * (the test's last request is a counted one, so every earlier one has been handled by then).
     */
    private static void assertFailures(String username, int expected) throws InterruptedException {
        String userId = Users.id(username);
        waitFor(() -> Integer.valueOf(expected).equals(
                Users.realm().attackDetection().bruteForceUserStatus(userId).get("numFailures")));
        Thread.sleep(500);
        assertEquals(expected, Users.realm().attackDetection().bruteForceUserStatus(userId).get("numFailures"));
    }
}
