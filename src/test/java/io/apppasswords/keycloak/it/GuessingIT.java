package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertInvalidGrant;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertStockInvalidGrant;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.mutate;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guessing over the mail server never locks anyone out (issue 23): wrong app passwords are no failures for
 * Keycloak's brute-force detector, in temporary and permanent lockout alike; the source IP the mail server
 * forwards is throttled instead, for every user but the app passwords that already signed in from it; the
 * mail server's own address never is. Each test guesses from addresses of its own, so throttles never meet.
 */
class GuessingIT {

    private static RealmRepresentation before;

    @BeforeAll
    static void bruteForceOn() {
        before = Users.realm().toRepresentation();
        Users.realm().update(Fixtures.bruteForceOn(Users.realm().toRepresentation()));
    }

    @AfterEach
    void policy() {
        Policy.reset();
    }

    @AfterAll
    static void restore() {
        Users.realm().update(before);
    }

    @ParameterizedTest(name = "permanent lockout: {0}")
    @ValueSource(booleans = {false, true})
    void twoHundredWrongValuesFromOneIpLockNobodyAndThrottleThatIpForEveryoneButItsOwnDevices(boolean permanent)
            throws Exception {
        RealmRepresentation realm = Fixtures.bruteForceOn(Users.realm().toRepresentation());
        realm.setPermanentLockout(permanent);
        realm.setMaxTemporaryLockouts(0); // with permanent lockout on, the first lockout would be for good
        Users.realm().update(realm);
        Policy.demoWith(Map.of("mailFailuresPerIp", "20")); // the realm's default; the demo's is looser
        Totp totp = Users.newTotp();
        String victim = Users.create("victim", totp);
        String phone = Users.createAppPassword(victim, "Phone", totp);
        String other = Users.create("other");
        String otherSecret = Users.createAppPassword(other, "Laptop");
        String office = Users.create("office");
        String officeSecret = Users.createAppPassword(office, "Desktop");
        String attacker = ip();
        String phoneIp = ip();
        assertTrue(mailFrom(attacker, office, officeSecret).ok(), "a colleague's desktop behind the same address");

        for (int i = 0; i < 200; i++) {
            assertInvalidGrant(mailFrom(attacker, victim, mutate(phone).substring(0, 20) + i));
            if (i % 40 == 0) {
                assertTrue(mailFrom(phoneIp, victim, phone).ok(), "the phone syncs while the name is attacked, " + i);
            }
        }
        assertFalse(Users.lockedOut(victim), "not locked");
        assertEquals(0, Users.failures(victim), "no failure counted");
        assertTrue(mailFrom(phoneIp, victim, phone).ok(), "the phone still syncs");
        assertTrue(TokenClient.demo().passwordGrant(DemoRealm.CLI, null, victim, Users.PASSWORD, totp.fresh()).ok(),
                "the web login with password and OTP works");

        HttpReply throttled = mailFrom(attacker, other, otherSecret);
        assertInvalidGrant(throttled);
        assertTrue(mailFrom(phoneIp, other, otherSecret).ok(), "the same app password from elsewhere");
        assertTrue(mailFrom(attacker, office, officeSecret).ok(), "an app password that signed in from there before");

        List<EventRepresentation> refusals = throttledEvents(attacker);
        assertTrue(refusals.size() >= 150, "throttled: " + refusals.size());
        assertTrue(refusals.stream().allMatch(e -> e.getDetails().get("reason").contains(attacker)), refusals.toString());
        JsonNode listed = AppPasswordApi.send("GET", AppPasswordApi.adminUrl() + "/throttled-sources",
                Fixtures.realmAdminToken("view-users"), null, null).json();
        assertTrue(listed.findValuesAsText("ip").contains(attacker), listed.toString());
        assertFalse(listed.findValuesAsText("ip").contains(phoneIp), listed.toString());
    }

    @Test
    void aThrottledIpRecoversAfterTheWindow() throws Exception {
        Policy.demoWith(Map.of("mailFailuresPerIp", "3", "mailFailureWindowSeconds", "5"));
        String username = Users.create("recovers");
        String secret = Users.createAppPassword(username, "Phone");
        String attacker = ip();
        for (int i = 0; i < 3; i++) {
            assertInvalidGrant(mailFrom(attacker, username, mutate(secret) + i));
        }
        assertInvalidGrant(mailFrom(attacker, username, secret));
        assertEquals(1, throttledEvents(attacker).size());
        waitFor(() -> mailFrom(attacker, username, secret).ok());
    }

    @Test
    void theMailServersOwnAddressIsNeverThrottled() {
        Policy.demoWith(Map.of("mailFailuresPerIp", "3"));
        String username = Users.create("forwarder");
        String secret = Users.createAppPassword(username, "Phone");
        for (int i = 0; i < 10; i++) {
            assertInvalidGrant(TokenClient.demo().mailLogin(username, mutate(secret) + i)); // no forwarded address
        }
        assertTrue(TokenClient.demo().mailLogin(username, secret).ok());
    }

    @Test
    void oneDeviceRetryingOneWrongValueIsNeverThrottled() {
        Policy.demoWith(Map.of("mailFailuresPerIp", "20"));
        String username = Users.create("retrying");
        String secret = Users.createAppPassword(username, "Phone");
        String device = ip();
        String stale = mutate(secret);
        for (int i = 0; i < 100; i++) {
            assertInvalidGrant(mailFrom(device, username, stale));
        }
        assertTrue(mailFrom(device, username, secret).ok(), "the user's fixed device signs in from the same address");
        assertEquals(List.of(), throttledEvents(device));
    }

    @Test
    void threeWrongMainPasswordsLockTheWebLoginWhileThePhoneSyncsUnlessThePolicySaysOtherwise() throws Exception {
        String username = Users.create("web-locked");
        String phone = Users.createAppPassword(username, "Phone");
        for (int i = 0; i < 3; i++) {
            assertStockInvalidGrant(TokenClient.demo().passwordGrant(DemoRealm.CLI, null, username, "wrong-" + i));
        }
        waitFor(() -> Users.lockedOut(username));
        assertStockInvalidGrant(TokenClient.demo().passwordGrant(DemoRealm.CLI, null, username, Users.PASSWORD));
        HttpReply phoneDuringLockout = TokenClient.demo().mailLogin(username, phone);
        if (KeycloakServer.get().isAtLeast(26, 7)) {
            assertTrue(phoneDuringLockout.ok(), "the phone keeps syncing");
            Policy.demoWith(Map.of("lockoutStopsAppPasswords", "true"));
            assertInvalidGrant(TokenClient.demo().mailLogin(username, phone));
        } else {
            // before 26.7 any successful login clears the lockout, so there app passwords stop too (docs/RELIABILITY.md)
            assertInvalidGrant(phoneDuringLockout);
            assertTrue(Users.lockedOut(username), "the phone did not lift the web lockout");
        }
    }

    @Test
    void theUserIsToldOnceADayWhenTheirNameDrawsTwentyGuesses() throws Exception {
        try (Mailbox mailbox = Mailbox.open()) {
            String username = Users.create("told");
            String secret = Users.createAppPassword(username, "Phone");
            mailbox.purgeCreationNotice(username);
            String first = ip();
            String second = ip();
            for (int i = 0; i < 30; i++) {
                mailFrom(i % 2 == 0 ? first : second, username, mutate(secret) + i);
            }
            List<MimeMessage> mails = mailbox.to(username + "@example.com", 2, 5_000);
            assertEquals(1, mails.size(), "one e-mail");
            String text = Mailbox.part(mails.get(0), "text/plain");
            assertTrue(text.contains("20") && text.contains(first) && text.contains(second), text);
            Mailbox.assertNoSecret(mails.get(0), secret);
        }
    }

    private static HttpReply mailFrom(String ip, String username, String password) {
        return TokenClient.demo().mailLoginFrom(ip, username, password);
    }

    private static List<EventRepresentation> throttledEvents(String ip) {
        return Users.realm().getEvents(List.of("LOGIN_ERROR"), null, null, null, null, null, 0, 1000).stream()
                .filter(e -> "source_throttled".equals(e.getError()))
                .filter(e -> ip.equals(e.getDetails().get("app_password_source_ip")))
                .toList();
    }

    /** An address of this test's own in 10.0.0.0/8, so no two tests (or runs on one server) share a throttle. */
    private static String ip() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }
}
