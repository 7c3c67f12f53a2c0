package io.apppasswords.keycloak.it;

import jakarta.ws.rs.core.Response;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Realm objects the management tests set up through the admin API: clients, flows, roles, tokens. */
final class Fixtures {

    static final String SECRET = "fixture-client-secret";

    private Fixtures() {
    }

    /**
     * A copy of the demo's "app passwords only" flow whose app-password step has {@code transientSession}
     * set as given. Returns the new flow's id.
     */
    static String appPasswordsOnlyFlow(boolean transientSession) {
        String alias = "app passwords only " + UUID.randomUUID().toString().substring(0, 8);
        var flows = Users.realm().flows();
        try (var r = flows.copy(DemoRealm.APP_PASSWORDS_ONLY, Map.of("newName", alias))) {
            assertEquals(201, r.getStatus(), "copy flow");
        }
        AuthenticationExecutionInfoRepresentation step = flows.getExecutions(alias).stream()
                .filter(e -> "direct-grant-validate-app-password".equals(e.getProviderId()))
                .findFirst().orElseThrow();
        AuthenticatorConfigRepresentation config = new AuthenticatorConfigRepresentation();
        config.setAlias("transient " + transientSession + " " + alias.substring(alias.length() - 8));
        config.setConfig(Map.of("transientSession", String.valueOf(transientSession)));
        try (var r = flows.newExecutionConfig(step.getId(), config)) {
            assertEquals(201, r.getStatus(), "execution config");
        }
        return flows.getFlows().stream().filter(f -> alias.equals(f.getAlias()))
                .map(AuthenticationFlowRepresentation::getId).findFirst().orElseThrow();
    }

    /**
     * A confidential direct-grant client with secret {@link #SECRET}, optionally bound to {@code flowId},
     * with the realm's full scope (so its tokens carry the {@code account} audience and roles) or none.
     */
    static String directGrantClient(String prefix, String flowId, boolean fullScope, boolean refreshTokens) {
        String clientId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setEnabled(true);
        client.setPublicClient(false);
        client.setSecret(SECRET);
        client.setStandardFlowEnabled(false);
        client.setDirectAccessGrantsEnabled(true);
        client.setFullScopeAllowed(fullScope);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("use.refresh.tokens", String.valueOf(refreshTokens));
        client.setAttributes(attributes);
        if (flowId != null) {
            client.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", flowId));
        }
        createClient(client);
        return clientId;
    }

    /** Creates {@code client} in the demo realm and returns its id (not its clientId). */
    static String createClient(ClientRepresentation client) {
        return createdId(Users.realm().clients().create(client), "create client " + client.getClientId());
    }

    /** Asserts that an admin API POST created something (201) and returns its id, the end of its Location. */
    static String createdId(Response response, String what) {
        try (response) {
            assertEquals(201, response.getStatus(), what);
            String location = response.getLocation().toString();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    /**
     * A public browser client whose one redirect URI is {@code redirectUri}, with Keycloak's flows or the
     * overrides given; created in the demo realm, its {@code id} set.
     */
    static ClientRepresentation redirectClient(String prefix, String redirectUri, Map<String, String> flowOverrides) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(prefix + "-" + System.nanoTime());
        client.setPublicClient(true);
        client.setStandardFlowEnabled(true);
        client.setDirectAccessGrantsEnabled(false);
        client.setRedirectUris(List.of(redirectUri));
        client.setAuthenticationFlowBindingOverrides(flowOverrides);
        client.setId(createClient(client));
        return client;
    }

    /** A public client for a browser app served from {@code webOrigin}, with direct grants for the tests. */
    static String browserAppClient(String webOrigin) {
        String clientId = "spa-" + UUID.randomUUID().toString().substring(0, 8);
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setEnabled(true);
        client.setPublicClient(true);
        client.setStandardFlowEnabled(true);
        client.setRedirectUris(List.of(webOrigin + "/*"));
        client.setWebOrigins(List.of(webOrigin));
        client.setDirectAccessGrantsEnabled(true);
        createClient(client);
        return clientId;
    }

    /** An access token for {@code clientId} (secret {@link #SECRET}) from a password grant. */
    static String token(String clientId, String username, String password) {
        HttpReply r = TokenClient.demo().passwordGrant(clientId, SECRET, username, password);
        assertTrue(r.ok(), r.toString());
        return r.accessToken();
    }

    /**
     * What the account console holds: a token of {@code account-console} from a browser login
     * (authorization code with PKCE), so it carries {@code allowed-origins}.
     */
    static String accountConsoleToken(String username, String password) {
        KeycloakServer server = KeycloakServer.get();
        Browser browser = Browser.demo();
        String redirect = server.realmUrl() + "/account/";
        Browser.Page login = browser.authorize("account-console", redirect, null);
        Browser.Page end = browser.login(login, username, password, null);
        assertTrue(end.redirected(), end.describe());
        Browser.Authorization a = browser.lastAuthorization();
        HttpReply r = TokenClient.demo().exchangeCode("account-console", null, end.redirectParam("code"),
                a.redirectUri(), a.codeVerifier());
        assertTrue(r.ok(), r.toString());
        return r.accessToken();
    }

    /** Replaces the user's realm roles by {@code roles} (e.g. to take {@code manage-account} away). */
    static void onlyAccountRoles(String username, String... accountRoles) {
        var user = Users.get(username);
        var mappings = user.roles();
        List<RoleRepresentation> realmRoles = mappings.realmLevel().listAll();
        if (!realmRoles.isEmpty()) {
            mappings.realmLevel().remove(realmRoles);
        }
        var accountClient = Users.realm().clients().findByClientId("account").get(0);
        List<RoleRepresentation> wanted = java.util.Arrays.stream(accountRoles)
                .map(r -> Users.realm().clients().get(accountClient.getId()).roles().get(r).toRepresentation())
                .toList();
        mappings.clientLevel(accountClient.getId()).add(wanted);
    }

    /** Sets the app-password action's {@code max_auth_age} on top of the demo policy; {@code null} restores the demo's. */
    static void maxAuthAge(Integer seconds) {
        if (seconds == null) {
            Policy.reset();
        } else {
            Policy.demoWith(Map.of("max_auth_age", String.valueOf(seconds)));
        }
    }

    /** Brute-force protection as the tests want it: 3 failures lock for 5 minutes, no quick-login check. */
    static RealmRepresentation bruteForceOn(RealmRepresentation realm) {
        realm.setBruteForceProtected(true);
        realm.setFailureFactor(3);
        realm.setWaitIncrementSeconds(300);
        realm.setMaxFailureWaitSeconds(900);
        realm.setQuickLoginCheckMilliSeconds(0L);
        realm.setPermanentLockout(false);
        return realm;
    }

    /** A user of realm demo holding the given realm-management roles, and a token of the demo admin-cli. */
    static String realmAdminToken(String... realmManagementRoles) {
        String username = Users.create("admin");
        var users = Users.realm().users();
        if (realmManagementRoles.length > 0) {
            var rm = Users.realm().clients().findByClientId("realm-management").get(0);
            List<RoleRepresentation> roles = java.util.Arrays.stream(realmManagementRoles)
                    .map(r -> Users.realm().clients().get(rm.getId()).roles().get(r).toRepresentation()).toList();
            users.get(Users.id(username)).roles().clientLevel(rm.getId()).add(roles);
        }
        HttpReply r = TokenClient.demo().passwordGrant("admin-cli", null, username, Users.PASSWORD);
        assertTrue(r.ok(), r.toString());
        return r.accessToken();
    }
}
