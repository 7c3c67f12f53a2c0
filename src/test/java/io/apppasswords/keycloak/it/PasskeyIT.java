package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user who signs in with a passkey alone (no password credential) creates an app password and the mail
 * server accepts it: end to end in headless Chromium, whose virtual authenticator holds a real passkey.
 */
class PasskeyIT {

    private static KeycloakServer server;
    private String flowId;
    private String clientUuid;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @AfterEach
    void cleanUp() {
        if (clientUuid != null) {
            Users.realm().clients().get(clientUuid).remove();
        }
        if (flowId != null) {
            flows().deleteFlow(flowId);
        }
        Policy.reset();
    }

    @Test
    void aPasskeyOnlyUserCreatesAndUsesAnAppPassword() {
        Policy.demoWith(Map.of("requireSecondFactor", "true")); // a passkey counts as the second factor
        String clientId = passkeyClient();
        String username = Users.create("passkey");
        UserRepresentation rep = Users.get(username).toRepresentation();
        rep.setRequiredActions(List.of("webauthn-register-passwordless"));
        Users.get(username).update(rep);

        try (HeadlessChromium chromium = new HeadlessChromium(1280, 1000)) {
            chromium.addPasskeyAuthenticator();

            // 1. First sign-in with the temporary password; Keycloak asks to register a passkey.
            String account = server.realmUrl() + "/account/";
            chromium.open(authorize("account-console", account, null));
            chromium.type(chromium.find("#username"), username);
            chromium.type(chromium.find("#password"), Users.PASSWORD);
            chromium.click(chromium.find("#kc-login"));
            chromium.click(chromium.find("#registerWebAuthn"));
            chromium.acceptPrompt(); // the passkey's label
            chromium.awaitUrl(account);

            // 2. The admin removes the password: from now on the passkey is all this user has.
            CredentialRepresentation password = Users.get(username).credentials().stream()
                    .filter(c -> "password".equals(c.getType())).findFirst().orElseThrow();
            Users.get(username).removeCredential(password.getId());
            assertEquals(List.of("webauthn-passwordless"),
                    Users.get(username).credentials().stream().map(CredentialRepresentation::getType).toList());

            // 3. A new browser session: sign in with the passkey alone and create an app password. The account
            // console is left for a page without script first: once its cookies are gone it would start a login
            // of its own, which could replace the one opened here.
            String callback = server.realmUrl() + "/passkey-test-callback";
            chromium.open(callback);
            chromium.deleteAllCookies();
            chromium.open(authorize(clientId, callback, "app-password"));
            chromium.type(chromium.find("#username"), username);
            chromium.click(chromium.find("#kc-login"));
            chromium.click(chromium.find("#authenticateWebAuthnButton"));
            chromium.type(chromium.find("#app-password-name"), "Old mail client");
            chromium.click(chromium.find("#app-password-submit"));
            String secret = chromium.text(chromium.find("#app-password-value"));
            assertTrue(secret.matches(AppPasswordAssertions.FORMAT), chromium.describe());

            // 4. The legacy mail client signs in with it.
            HttpReply grant = TokenClient.demo().mailLogin(username, secret);
            assertTrue(grant.ok(), grant.toString());
        }
    }

    private static AuthenticationManagementResource flows() {
        return Users.realm().flows();
    }

    /**
     * A browser flow where a passkey alone signs in (cookie, or user name then passwordless WebAuthn), bound
     * to a new public client; the demo users' own logins stay as they are.
     */
    private String passkeyClient() {
        String alias = "passkey only " + System.nanoTime();
        AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
        flow.setAlias(alias);
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        flow.setDescription("Test: passkey-only sign-in");
        flowId = Fixtures.createdId(flows().createFlow(flow), "create flow " + alias);
        flows().addExecution(alias, Map.<String, Object>of("provider", "auth-cookie"));
        String sub = alias + " - passkey";
        flows().addExecutionFlow(alias, Map.<String, Object>of("alias", sub, "type", "basic-flow", "description", ""));
        flows().addExecution(sub, Map.<String, Object>of("provider", "auth-username-form"));
        flows().addExecution(sub, Map.<String, Object>of("provider", "webauthn-authenticator-passwordless"));
        for (AuthenticationExecutionInfoRepresentation step : flows().getExecutions(alias)) {
            step.setRequirement(step.getLevel() == 0 ? "ALTERNATIVE" : "REQUIRED");
            flows().updateExecutions(alias, step);
        }

        ClientRepresentation client = Fixtures.redirectClient("passkey-portal", server.realmUrl() + "/passkey-test-callback",
                Map.of("browser", flowId));
        clientUuid = client.getId();
        return client.getClientId();
    }

    private static String authorize(String clientId, String redirectUri, String kcAction) {
        String url = server.realmUrl() + "/protocol/openid-connect/auth?response_type=code&scope=openid"
                + "&client_id=" + enc(clientId) + "&redirect_uri=" + enc(redirectUri) + "&state=s&nonce=n";
        return kcAction == null ? url : url + "&kc_action=" + enc(kcAction);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
