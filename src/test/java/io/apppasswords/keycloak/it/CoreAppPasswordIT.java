package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.apppasswords.keycloak.it.TokenClient.mail;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.FORMAT;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertInvalidGrant;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertStockInvalidGrant;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertNoSecret;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.mutate;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.waitFor;
import static io.apppasswords.keycloak.it.DemoRealm.MAIL;
import static io.apppasswords.keycloak.it.DemoRealm.MAIL_SECRET;
import static io.apppasswords.keycloak.it.DemoRealm.MIXED;
import static io.apppasswords.keycloak.it.DemoRealm.MIXED_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core promise, driven over HTTP like real clients: create an app password through the login pages,
 * use it on the mail client without OTP, and nothing else gets through there.
 */
class CoreAppPasswordIT {

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    private static void assertWrongPasswordAnswer(HttpReply r) {
        assertInvalidGrant(r);
        assertEquals("Invalid user credentials", r.errorDescription(), r.toString());
    }

    /** Issue tests 1 and 6: the pages, the one-time display, and a user with password + OTP. */
    @Test
    void createsThroughTheRequiredActionPagesAndShowsThePasswordOnlyOnce() {
        Totp totp = Users.newTotp();
        String username = Users.create("pages", totp);
        Browser browser = Browser.demo();
        String redirect = server.realmUrl() + "/account/";

        Browser.Page login = browser.authorize("account-console", redirect, "app-password");
        Browser.Page create = browser.login(login, username, Users.PASSWORD, totp);
        assertTrue(create.hasForm("kc-app-password-form"), create.describe());

        String name = "Thunderbird <b>laptop</b> " + UUID.randomUUID().toString().substring(0, 6);
        Browser.Page shown = create.form("kc-app-password-form").set("name", "  " + name + " ").submit();
        assertNotNull(shown.doc().getElementById("app-password-value"), shown.describe());
        String secret = shown.doc().getElementById("app-password-value").text();
        assertTrue(secret.matches(FORMAT), secret);
        AppPasswordApi.ISSUED.add(secret);
        assertFalse(shown.body().contains("<b>laptop</b>"), "the name is HTML-escaped");
        assertTrue(shown.doc().getElementById("app-password-created-intro").text().contains(name));
        assertNotNull(shown.doc().getElementById("app-password-copy"), "copy button");
        assertTrue(shown.doc().getElementById("app-password-usage").text().contains(username));

        List<CredentialRepresentation> stored = Users.appPasswords(username);
        assertEquals(1, stored.size());
        assertEquals(name, stored.get(0).getUserLabel(), "name is trimmed");
        String credentialId = stored.get(0).getId();
        assertFalse(String.valueOf(stored.get(0).getCredentialData()).contains(secret.replace("-", "")));

        // A reload lands on the action's URL without the one-time session code (Keycloak's history script).
        String doneAction = shown.form("kc-app-password-done-form").element().absUrl("action");
        String reloadUrl = doneAction.replaceAll("session_code=[^&]*&?", "");
        Browser.Page reloaded = browser.get(reloadUrl);
        assertNull(reloaded.doc().getElementById("app-password-value"), reloaded.describe());
        assertNotNull(reloaded.doc().getElementById("app-password-already-shown"), reloaded.describe());
        assertNoSecret(reloaded.body(), secret);

        // Back button + the name form posted again: no second app password, no secret.
        Browser.Page again = create.form("kc-app-password-form").set("name", name + " again").submit();
        assertNoSecret(again.body(), secret);
        assertEquals(1, Users.appPasswords(username).size(), "still exactly one app password");

        Browser.Page end = again.redirected() ? again
                : browser.get(reloadUrl).form("kc-app-password-done-form").submit();
        assertTrue(end.redirected(), end.describe());
        assertTrue(end.location().startsWith(redirect), end.location());
        assertEquals("success", end.redirectParam("kc_action_status"), end.location());
        assertEquals(1, Users.appPasswords(username).size());

        // It works on the mail client without OTP; the event names the credential but holds no secret.
        assertTrue(mail(username, secret).ok());
        List<EventRepresentation> created = Users.realm().getEvents(List.of("UPDATE_CREDENTIAL"), null,
                Users.id(username), null, null, null, 0, 10);
        assertTrue(created.stream().anyMatch(e -> "app-password".equals(e.getDetails().get("credential_type"))
                && credentialId.equals(e.getDetails().get("credential_id"))), "UPDATE_CREDENTIAL event: " + created);
        created.forEach(e -> assertNoSecret(String.valueOf(e.getDetails()), secret));
    }

    @Test
    void aDuplicateNameIsRefusedOnThePage() {
        Totp totp = Users.newTotp();
        String username = Users.create("dup", totp);
        Users.createAppPassword(username, "Phone", totp);

        Browser browser = Browser.demo();
        Browser.Page login = browser.authorize("account-console", server.realmUrl() + "/account/", "app-password");
        Browser.Page create = browser.login(login, username, Users.PASSWORD, totp);
        Browser.Page refused = create.form("kc-app-password-form").set("name", "PHONE").submit();
        assertTrue(refused.hasForm("kc-app-password-form"), refused.describe());
        assertNotNull(refused.doc().getElementById("input-error-name"), refused.describe());
        assertTrue(refused.messages().contains("already have an app password with this name"), refused.describe());
        assertNull(refused.doc().getElementById("app-password-value"));

        Browser.Page empty = refused.form("kc-app-password-form").set("name", "   ").submit();
        assertTrue(empty.messages().contains("Please enter a name"), empty.describe());
        assertEquals(1, Users.appPasswords(username).size());
    }

    @Test
    void thePagesSpeakGerman() {
        String username = Users.create("de");
        Browser browser = Browser.demo();
        Browser.Page login = browser.authorize(DemoRealm.NAME, "account-console", server.realmUrl() + "/account/",
                "app-password", java.util.Map.of("ui_locales", "de"));
        Browser.Page create = browser.login(login, username, Users.PASSWORD, null);
        assertTrue(create.hasForm("kc-app-password-form"), create.describe());
        assertEquals("App-Passwort anlegen", create.title(), create.describe());
        Browser.Page shown = create.form("kc-app-password-form").set("name", "Handy").submit();
        assertEquals("Ihr neues App-Passwort", shown.title(), shown.describe());
        AppPasswordApi.ISSUED.add(shown.doc().getElementById("app-password-value").text());
        assertTrue(shown.doc().getElementById("app-password-once").text().contains("nur einmal"));
    }

    /** Creation needs a recent login: past the action's max_auth_age, Keycloak asks to sign in again. */
    @Test
    void creationNeedsARecentLogin() throws Exception {
        String username = Users.create("maxage");
        Policy.demoWith(java.util.Map.of("max_auth_age", "1"));
        try {
            Browser browser = Browser.demo();
            String redirect = server.realmUrl() + "/account/";
            Browser.Page first = browser.login(browser.authorize("account-console", redirect, null), username, Users.PASSWORD, null);
            assertTrue(first.redirected(), first.describe());
            Thread.sleep(2500);
            Browser.Page again = browser.authorize("account-console", redirect, "app-password");
            assertTrue(again.hasForm(Browser.LOGIN_FORM), "asked to sign in again: " + again.describe());
            Browser.Page create = browser.login(again, username, Users.PASSWORD, null);
            assertTrue(create.hasForm("kc-app-password-form"), create.describe());
        } finally {
            Policy.reset();
        }
    }

    /** Issue test 2. */
    @Test
    void theAppPasswordSkipsOtpButTheMainPasswordNeverGetsThroughTheMailClient() {
        Totp totp = Users.newTotp();
        String username = Users.create("otp", totp);
        String secret = Users.createAppPassword(username, "Mail", totp);

        HttpReply ok = mail(username, secret);
        assertTrue(ok.ok(), ok.toString());
        // the mail client carries only the "basic" scope: the subject, no profile claims
        assertEquals(Users.id(username), ok.accessTokenClaims().path("sub").asText());
        assertEquals(username, ok.field("app_password_username"), "user name in the grant response for the mail server");

        assertWrongPasswordAnswer(mail(username, Users.PASSWORD));
        assertWrongPasswordAnswer(TokenClient.demo().passwordGrant(MAIL, MAIL_SECRET, username, Users.PASSWORD, totp.fresh()));

        // The mixed client still serves password + OTP, and app passwords.
        assertTrue(TokenClient.demo().passwordGrant(MIXED, MIXED_SECRET, username, Users.PASSWORD, totp.fresh()).ok());
        assertFalse(TokenClient.demo().passwordGrant(MIXED, MIXED_SECRET, username, Users.PASSWORD).ok(),
                "main password without OTP");
        assertTrue(TokenClient.demo().passwordGrant(MIXED, MIXED_SECRET, username, secret).ok());
        assertFalse(TokenClient.demo().passwordGrant(MIXED, MIXED_SECRET, username, mutate(secret)).ok());
    }

    /** Issue test 3. */
    @Test
    void separatorsAndCaseDoNotMatterButEveryCharacterDoes() {
        String username = Users.create("format");
        String secret = Users.createAppPassword(username, "Laptop");
        String plain = secret.replace("-", "");

        assertTrue(mail(username, plain).ok());
        assertTrue(mail(username, secret.toUpperCase(Locale.ROOT)).ok());
        assertTrue(mail(username, secret.replace("-", " ")).ok());
        assertTrue(mail(username, " " + plain.substring(0, 12) + "  " + plain.substring(12) + " ").ok());

        assertWrongPasswordAnswer(mail(username, mutate(secret)));
        assertWrongPasswordAnswer(mail(username, plain.substring(1)));
        assertWrongPasswordAnswer(mail(username, plain + "a"));
    }

    /** Issue test 4. */
    @Test
    void deletingTheCredentialRefusesTheNextGrantAtOnce() {
        String username = Users.create("revoke");
        String secret = Users.createAppPassword(username, "Tablet");
        String keep = Users.createAppPassword(username, "Phone");
        assertTrue(mail(username, secret).ok());

        CredentialRepresentation tablet = Users.appPasswords(username).stream()
                .filter(c -> c.getUserLabel().equals("Tablet")).findFirst().orElseThrow();
        Users.get(username).removeCredential(tablet.getId());

        assertWrongPasswordAnswer(mail(username, secret));
        assertTrue(mail(username, keep).ok(), "the other app password still works");
    }

    @Test
    void unknownUsersGetTheSameAnswerAsWrongPasswords() {
        String username = Users.create("enum");
        Users.createAppPassword(username, "Mail");
        HttpReply unknown = mail("nobody-" + UUID.randomUUID(), "abcd-efgh-jkmn-pqrs-tvwx-yz23");
        HttpReply wrong = mail(username, "abcd-efgh-jkmn-pqrs-tvwx-yz23");
        assertWrongPasswordAnswer(unknown);
        assertWrongPasswordAnswer(wrong);
        assertEquals(unknown.body(), wrong.body());
    }

    @Test
    void theLoginEventNamesTheAppPasswordButNeverItsValue() {
        String username = Users.create("event");
        String secret = Users.createAppPassword(username, "Calendar");
        String id = Users.appPasswords(username).get(0).getId();
        assertTrue(mail(username, secret).ok());

        List<EventRepresentation> logins = Users.realm().getEvents(List.of("LOGIN"), MAIL, Users.id(username),
                null, null, null, 0, 10);
        assertEquals(1, logins.size(), String.valueOf(logins));
        assertEquals(id, logins.get(0).getDetails().get("credential_id"));
        assertEquals("Calendar", logins.get(0).getDetails().get("app_password_name"));
        assertNoSecret(String.valueOf(logins.get(0).getDetails()), secret);
    }

    /**
     * Issue test 5, as issue 23 changed it: wrong app passwords are refused but never lock the user (the
     * source is throttled instead, see GuessingIT); a disabled user is refused.
     */
    @Test
    void wrongAppPasswordsNeverLockTheUserAndADisabledUserIsRefused() throws Exception {
        RealmRepresentation realm = Users.realm().toRepresentation();
        Users.realm().update(Fixtures.bruteForceOn(Users.realm().toRepresentation()));
        try {
            String username = Users.create("brute");
            String secret = Users.createAppPassword(username, "Mail");
            for (int i = 0; i < 5; i++) {
                assertWrongPasswordAnswer(mail(username, mutate(secret)));
            }
            // Keycloak records failures off the request thread: one counted web failure proves the rest were seen
            assertStockInvalidGrant(TokenClient.demo().passwordGrant(DemoRealm.CLI, null, username, "wrong"));
            waitFor(() -> Users.failures(username) == 1);
            assertFalse(Users.lockedOut(username));
            assertTrue(mail(username, secret).ok());

            String disabled = Users.create("disabled");
            String disabledSecret = Users.createAppPassword(disabled, "Mail");
            UserRepresentation rep = Users.get(disabled).toRepresentation();
            rep.setEnabled(false);
            Users.get(disabled).update(rep);
            assertWrongPasswordAnswer(mail(disabled, disabledSecret));
        } finally {
            Users.realm().update(realm);
        }
    }
}
