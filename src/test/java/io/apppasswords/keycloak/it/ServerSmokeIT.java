package io.apppasswords.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderRepresentation;

/** Proves the harness: the server with the demo realm, the token endpoint, the login pages, the admin API. */
class ServerSmokeIT {

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void demoRealmIsImported() {
        RealmRepresentation realm = server.admin().realm(DemoRealm.NAME).toRepresentation();
        assertEquals("demo", realm.getRealm());
        assertTrue(realm.isEventsEnabled(), "login events are stored");
        assertTrue(realm.isAdminEventsEnabled(), "admin events are stored");
        assertFalse(realm.isBruteForceProtected(), "brute force is off until a test turns it on");

        Set<String> flows = server.admin().realm(DemoRealm.NAME).flows().getFlows().stream()
                .map(AuthenticationFlowRepresentation::getAlias).collect(Collectors.toSet());
        assertTrue(flows.containsAll(Set.of("app passwords only", "app password or password + otp",
                "browser", "direct grant")), "flows: " + flows);

        List<RequiredActionProviderRepresentation> actions =
                server.admin().realm(DemoRealm.NAME).flows().getRequiredActions();
        Set<String> aliases = actions.stream().map(RequiredActionProviderRepresentation::getAlias).collect(Collectors.toSet());
        assertTrue(aliases.containsAll(Set.of("app-password", "CONFIGURE_TOTP", "UPDATE_PASSWORD")), "required actions: " + aliases);

        ClientRepresentation mail = server.admin().realm(DemoRealm.NAME).clients().findByClientId("mail-server").get(0);
        assertEquals("6f1c2a9e-0a55-4c1e-9a51-a99000000001", mail.getAuthenticationFlowBindingOverrides().get("direct_grant"));
        assertEquals(1, server.admin().realm(DemoRealm.NAME).users().searchByUsername("alice", true).size());
    }

    @Test
    void stockDirectGrantNeedsPasswordAndTotp() {
        TokenClient tokens = TokenClient.demo();

        HttpReply withoutOtp = tokens.passwordGrant("demo-cli", null, "alice", "alice-password");
        // from 26.6 on Keycloak answers 400 invalid_grant; 26.4 and 26.5 answer 401 with the same body
        assertEquals(server.isAtLeast(26, 6) ? 400 : 401, withoutOtp.status(), withoutOtp.toString());
        assertEquals("invalid_grant", withoutOtp.error());

        HttpReply ok = tokens.passwordGrant("demo-cli", null, "alice", "alice-password", Totp.ALICE.fresh());
        assertTrue(ok.ok(), ok.toString());
        assertEquals("alice", ok.accessTokenClaims().path("preferred_username").asText());

        HttpReply bob = tokens.passwordGrant("demo-cli", null, "bob", "bob-password");
        assertTrue(bob.ok(), bob.toString());
    }

    @Test
    void browserLogsAliceInWithPasswordAndOtp() {
        Browser browser = Browser.demo();
        String redirectUri = server.realmUrl() + "/account/";

        Browser.Page login = browser.authorize("account-console", redirectUri, null);
        assertEquals(200, login.status(), login.describe());
        assertTrue(login.hasForm(Browser.LOGIN_FORM), login.describe());

        Browser.Page otp = login.form(Browser.LOGIN_FORM)
                .set("username", "alice").set("password", "alice-password").submit("login");
        assertTrue(otp.hasForm(Browser.OTP_FORM), otp.describe());

        Browser.Page wrong = otp.form(Browser.OTP_FORM).set("otp", "000000").submit("login");
        assertTrue(wrong.hasForm(Browser.OTP_FORM), wrong.describe());
        assertFalse(wrong.messages().isBlank(), "an error is shown: " + wrong.describe());

        Browser.Page done = wrong.form(Browser.OTP_FORM).set("otp", Totp.ALICE.fresh()).submit("login");
        assertTrue(done.redirected(), done.describe());
        assertTrue(done.location().startsWith(redirectUri), done.location());
        assertEquals(browser.lastAuthorization().state(), done.redirectParam("state"));
        String code = done.redirectParam("code");
        assertNotNull(code, done.location());

        HttpReply tokens = TokenClient.demo().exchangeCode("account-console", null, code, redirectUri,
                browser.lastAuthorization().codeVerifier());
        assertTrue(tokens.ok(), tokens.toString());
        assertEquals("alice", tokens.accessTokenClaims().path("preferred_username").asText());

        // the SSO cookie now skips the login pages
        Browser.Page again = browser.authorize("account-console", redirectUri, null);
        assertTrue(again.redirected() && again.redirectParam("code") != null, again.describe());
    }
}
