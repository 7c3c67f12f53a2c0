package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.apppasswords.keycloak.it.AppPasswordApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /realms/demo/app-passwords} as the account console and scripts call it: every rule of the
 * self-service API, the refusals included.
 */
class SelfServiceApiIT {

    static final Set<String> FIELDS = Set.of("id", "name", "createdAt", "lastUsedAt", "lastUsedIp", "lastUsedClient",
            "lastUsedProtocol", "expiresAt", "expired", "clients", "protocols");

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    private static String token(String username) {
        return Users.accountToken(username, Users.PASSWORD);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void listsTheCallersAppPasswordsWithEveryFieldAndNoSecret() {
        String username = Users.create("list");
        String other = Users.create("list-other");
        String expires = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Phone");
        body.put("expiresAt", expires);
        body.put("clients", List.of("mail-server", "mail-mixed"));
        AppPasswordApi.Reply phone = AppPasswordApi.createJson(token(username), json(body));
        assertEquals(201, phone.status(), phone.toString());
        String laptop = Users.createAppPassword(username, "Laptop");
        Users.createAppPassword(other, "Not mine");

        AppPasswordApi.Reply list = AppPasswordApi.list(token(username));
        assertEquals(200, list.status(), list.toString());
        assertTrue(list.header("Content-Type").startsWith("application/json"), list.header("Content-Type"));
        assertEquals(2, list.json().size(), list.body());
        for (JsonNode entry : list.json()) {
            assertEquals(FIELDS, fieldNames(entry), "exactly the documented fields: " + entry);
        }
        JsonNode p = find(list.json(), "Phone");
        assertEquals(phone.json().path("id").asText(), p.path("id").asText());
        assertEquals(expires, p.path("expiresAt").asText());
        assertEquals(List.of("mail-server", "mail-mixed"), strings(p.path("clients")));
        assertTrue(p.path("lastUsedAt").isNull() && p.path("lastUsedIp").isNull() && p.path("lastUsedClient").isNull(), p.toString());
        Instant created = Instant.parse(p.path("createdAt").asText());
        assertTrue(Math.abs(created.toEpochMilli() - System.currentTimeMillis()) < 120_000, "createdAt is now: " + created);

        JsonNode l = find(list.json(), "Laptop");
        assertTrue(l.path("expiresAt").isNull(), l.toString());
        assertEquals(0, l.path("clients").size(), "no restriction: " + l);
        assertFalse(list.body().contains(laptop) || list.body().contains(laptop.replace("-", "")), "no secret in the list");
        assertFalse(list.body().contains("Not mine"), "another user's app password");

        // A mail login fills in last use.
        assertTrue(TokenClient.demo().passwordGrant(CoreAppPasswordIT.MAIL, CoreAppPasswordIT.MAIL_SECRET, username, laptop).ok());
        JsonNode used = find(AppPasswordApi.list(token(username)).json(), "Laptop");
        assertNotNull(Instant.parse(used.path("lastUsedAt").asText()));
        assertTrue(used.path("lastUsedIp").asText().matches("127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1"), used.toString());
        assertEquals(CoreAppPasswordIT.MAIL, used.path("lastUsedClient").asText());
    }

    @Test
    void createAnswers201WithLocationAndThePasswordThisOnceOnly() {
        String username = Users.create("create");
        AppPasswordApi.Reply created = AppPasswordApi.create(token(username), "  Thunderbird  ");
        assertEquals(201, created.status(), created.toString());
        String id = created.json().path("id").asText();
        assertEquals(AppPasswordApi.selfUrl() + "/" + id, created.header("Location"));
        Set<String> withPassword = new java.util.HashSet<>(FIELDS);
        withPassword.add("password");
        assertEquals(withPassword, fieldNames(created.json()), created.body());
        assertEquals("Thunderbird", created.json().path("name").asText(), "name trimmed like on the page");
        String secret = created.json().path("password").asText();
        assertTrue(secret.matches(CoreAppPasswordIT.FORMAT), secret);

        assertTrue(TokenClient.demo().passwordGrant(CoreAppPasswordIT.MAIL, CoreAppPasswordIT.MAIL_SECRET, username, secret).ok(),
                "the returned password works");
        AppPasswordApi.Reply list = AppPasswordApi.list(token(username));
        assertFalse(list.json().get(0).has("password"), list.body());
        CoreAppPasswordIT.assertNoSecret(list.body(), secret);
        CredentialRepresentation stored = Users.appPasswords(username).get(0);
        assertEquals(id, stored.getId());
        CoreAppPasswordIT.assertNoSecret(String.valueOf(stored.getCredentialData()), secret);
    }

    @Test
    void createFollowsTheNameRulesAndRefusesBadInputWithJsonErrors() {
        String username = Users.create("rules");
        String token = token(username);
        assertEquals(201, AppPasswordApi.create(token, "Phone").status());

        assertError(409, "duplicate_name", AppPasswordApi.create(token, "PHONE"));
        assertError(400, "invalid_name", AppPasswordApi.create(token, "   "));
        assertError(400, "invalid_name", AppPasswordApi.create(token, "x".repeat(65)));
        assertError(400, "invalid_name", AppPasswordApi.create(token, "tab\there"));
        assertError(400, "invalid_name", AppPasswordApi.createJson(token, "{}"));
        assertError(400, "invalid_expiry", AppPasswordApi.createJson(token,
                json(Map.of("name", "Past", "expiresAt", "2001-01-01T00:00:00Z"))));
        assertError(400, "invalid_expiry", AppPasswordApi.createJson(token,
                json(Map.of("name", "Garbage", "expiresAt", "next tuesday"))));
        assertError(400, "invalid_client", AppPasswordApi.createJson(token,
                json(Map.of("name", "Unknown client", "clients", List.of("no-such-client")))));
        assertError(400, "invalid_request", AppPasswordApi.createJson(token, json(Map.of("name", "X", "secret", "mine"))));
        assertError(400, "invalid_request", AppPasswordApi.createJson(token, "{\"name\": 42, \"clients\": \"mail-server\"}"));
        assertError(400, "invalid_request", AppPasswordApi.createJson(token, "{\"name\": "));
        assertError(400, "invalid_request", AppPasswordApi.createJson(token, "[]"));
        assertError(400, "invalid_request", AppPasswordApi.createJson(token, ""));
        assertError(413, "invalid_request", AppPasswordApi.createJson(token,
                json(Map.of("name", "y".repeat(16 * 1024)))), "larger than the server's 16 KiB limit");
        AppPasswordApi.Reply form = AppPasswordApi.send("POST", AppPasswordApi.selfUrl(), token,
                "application/x-www-form-urlencoded", "name=Form");
        assertTrue(form.status() == 415 || form.status() == 400, form.toString());

        assertEquals(1, Users.appPasswords(username).size(), "only the first one was created");
    }

    @Test
    void deleteRevokesOnlyTheCallersOwnAppPasswords() {
        Totp totp = Users.newTotp();
        String username = Users.create("delete", totp);
        String other = Users.create("delete-other");
        String secret = Users.createAppPassword(username, "Tablet", totp);
        Users.createAppPassword(username, "Phone", totp);
        Users.createAppPassword(other, "Theirs");
        String token = Users.accountToken(username, Users.PASSWORD, totp);

        String tablet = idOf(username, "Tablet");
        String theirs = idOf(other, "Theirs");
        String otp = Users.get(username).credentials().stream().filter(c -> "otp".equals(c.getType()))
                .findFirst().orElseThrow().getId();
        String password = Users.get(username).credentials().stream().filter(c -> "password".equals(c.getType()))
                .findFirst().orElseThrow().getId();

        assertError(404, "not_found", AppPasswordApi.delete(token, theirs));
        assertError(404, "not_found", AppPasswordApi.delete(token, otp));
        assertError(404, "not_found", AppPasswordApi.delete(token, password));
        assertError(404, "not_found", AppPasswordApi.delete(token, UUID.randomUUID().toString()));
        assertEquals(1, Users.appPasswords(other).size(), "the other user's app password is untouched");
        assertEquals(2, Users.get(username).credentials().stream()
                .filter(c -> Set.of("otp", "password").contains(c.getType())).count(), "other credential types untouched");

        AppPasswordApi.Reply deleted = AppPasswordApi.delete(token, tablet);
        assertEquals(204, deleted.status(), deleted.toString());
        assertEquals(List.of("Phone"), Users.appPasswords(username).stream().map(CredentialRepresentation::getUserLabel).toList());
        assertFalse(TokenClient.demo().passwordGrant(CoreAppPasswordIT.MAIL, CoreAppPasswordIT.MAIL_SECRET, username, secret).ok(),
                "a revoked app password stops working at once");
        assertError(404, "not_found", AppPasswordApi.delete(token, tablet));
    }

    @Test
    void refusesRequestsWithoutAValidBearerToken() {
        String username = Users.create("unauth");
        String token = token(username);
        assertError(401, "invalid_token", AppPasswordApi.list(null));
        assertError(401, "invalid_token", AppPasswordApi.list("not-a-jwt"));
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertError(401, "invalid_token", AppPasswordApi.list(tampered));
        assertError(401, "invalid_token", AppPasswordApi.create(null, "X"));
        assertError(401, "invalid_token", AppPasswordApi.delete(null, UUID.randomUUID().toString()));
        assertEquals(0, Users.appPasswords(username).size());
    }

    @Test
    void refusesATokenWithoutTheAccountAudience() {
        String username = Users.create("audience");
        String client = Fixtures.directGrantClient("no-account-aud", null, false, true);
        String token = Fixtures.token(client, username, Users.PASSWORD);
        assertFalse(TokenClient.claims(token).path("aud").toString().contains("account"), TokenClient.claims(token).toString());

        assertError(403, "insufficient_scope", AppPasswordApi.list(token));
        assertError(403, "insufficient_scope", AppPasswordApi.create(token, "X"));
        Users.createAppPassword(username, "Existing");
        assertError(403, "insufficient_scope", AppPasswordApi.delete(token, idOf(username, "Existing")));
        assertEquals(1, Users.appPasswords(username).size());
    }

    @Test
    void refusesATokenWithoutTheManageAccountRole() {
        String username = Users.create("role");
        Users.createAppPassword(username, "Existing");
        Fixtures.onlyAccountRoles(username, "view-profile");
        String token = token(username);
        assertTrue(TokenClient.claims(token).path("aud").toString().contains("account"), "audience is there: "
                + TokenClient.claims(token));

        assertError(403, "insufficient_scope", AppPasswordApi.list(token));
        assertError(403, "insufficient_scope", AppPasswordApi.create(token, "X"));
        assertError(403, "insufficient_scope", AppPasswordApi.delete(token, idOf(username, "Existing")));
        assertEquals(1, Users.appPasswords(username).size());
    }

    @Test
    void createNeedsARecentLoginButListAndDeleteDoNot() throws InterruptedException {
        String username = Users.create("stale");
        Users.createAppPassword(username, "Existing");
        Fixtures.maxAuthAge(1);
        try {
            String token = token(username);
            Thread.sleep(2_100);
            AppPasswordApi.Reply refused = AppPasswordApi.create(token, "Too late");
            assertError(403, "reauthentication_required", refused);
            assertEquals(200, AppPasswordApi.list(token).status());
            assertEquals(1, Users.appPasswords(username).size());
            assertEquals(201, AppPasswordApi.create(token(username), "Fresh login").status(), "a fresh login may");
            assertEquals(204, AppPasswordApi.delete(token, idOf(username, "Existing")).status());
        } finally {
            Fixtures.maxAuthAge(null);
        }
        // Back to Keycloak's default (5 minutes).
        String token = token(username);
        Thread.sleep(2_100);
        assertEquals(201, AppPasswordApi.create(token, "Default age").status());
    }

    /**
     * A token minted with an app password, however the mail client is set up: the demo's mail-server
     * (transient session, no account audience), the mixed client (transient session, account audience and
     * role), a client without refresh tokens (its transient token names no session at all), and a flow whose
     * app-password step keeps sessions ({@code transientSession=false}).
     */
    @Test
    void aTokenObtainedWithAnAppPasswordCanNeverListMintOrRevoke() {
        String username = Users.create("ap-token");
        String secret = Users.createAppPassword(username, "Mail");
        String victim = idOf(username, "Mail");

        List<String> tokens = new ArrayList<>();
        tokens.add(TokenClient.demo().passwordGrant(CoreAppPasswordIT.MAIL, CoreAppPasswordIT.MAIL_SECRET, username, secret).accessToken());
        tokens.add(TokenClient.demo().passwordGrant(CoreAppPasswordIT.MIXED, CoreAppPasswordIT.MIXED_SECRET, username, secret).accessToken());
        String transientFlow = Fixtures.appPasswordsOnlyFlow(true);
        tokens.add(Fixtures.token(Fixtures.directGrantClient("no-refresh", transientFlow, true, false), username, secret));
        String persistentFlow = Fixtures.appPasswordsOnlyFlow(false);
        String persistentClient = Fixtures.directGrantClient("persistent", persistentFlow, true, true);
        TokenClient.Response persistent = TokenClient.demo().passwordGrant(persistentClient, Fixtures.SECRET, username, secret);
        assertTrue(persistent.ok(), persistent.toString());
        assertNotNull(persistent.refreshToken(), "a stored session has a refresh token");
        tokens.add(persistent.accessToken());

        for (String token : tokens) {
            assertNotNull(token);
            JsonNode claims = TokenClient.claims(token);
            String what = claims.path("azp").asText() + " " + claims;
            assertError(403, "app_password_token", AppPasswordApi.list(token), what);
            assertError(403, "app_password_token", AppPasswordApi.create(token, "Minted by an app password"), what);
            assertError(403, "app_password_token", AppPasswordApi.delete(token, victim), what);
        }
        // The mixed and the persistent clients' tokens do carry what the API otherwise asks for.
        assertTrue(TokenClient.claims(tokens.get(1)).path("resource_access").path("account").path("roles").toString()
                .contains("manage-account"));
        assertTrue(TokenClient.claims(tokens.get(3)).path("aud").toString().contains("account"));
        assertFalse(TokenClient.claims(tokens.get(0)).path("aud").toString().contains("account"),
                "the demo's mail client holds no account audience");
        assertEquals(List.of("Mail"), Users.appPasswords(username).stream().map(CredentialRepresentation::getUserLabel).toList());
    }

    /**
     * Keycloak's own account REST API is not ours to guard: it takes any token with the {@code account}
     * audience whose session it finds. So a mail client must not carry that audience (the demo's
     * mail-server has no full scope); with it, and sessions kept, an app password would reach that API.
     * docs/MANAGING.md explains the setting.
     */
    @Test
    void keycloaksAccountApiIsOutOfReachOnlyForMailClientsWithoutTheAccountAudience() {
        String username = Users.create("stock-account");
        String secret = Users.createAppPassword(username, "Mail");
        String accountApi = server.realmUrl() + "/account/credentials";
        String persistentFlow = Fixtures.appPasswordsOnlyFlow(false);

        String demoMail = TokenClient.demo().passwordGrant(CoreAppPasswordIT.MAIL, CoreAppPasswordIT.MAIL_SECRET, username, secret).accessToken();
        String narrow = Fixtures.token(Fixtures.directGrantClient("narrow", persistentFlow, false, true), username, secret);
        String wide = Fixtures.token(Fixtures.directGrantClient("wide", persistentFlow, true, true), username, secret);

        for (String token : List.of(demoMail, narrow)) {
            AppPasswordApi.Reply r = AppPasswordApi.send("GET", accountApi, token, null, null);
            assertTrue(r.status() == 401 || r.status() == 403, TokenClient.claims(token).path("azp") + ": " + r);
        }
        AppPasswordApi.Reply open = AppPasswordApi.send("GET", accountApi, wide, null, null);
        assertEquals(200, open.status(), "with the account audience and a kept session, Keycloak's API lets it in: " + open);
    }

    /**
     * The account console calls from Keycloak's own origin (same-origin: no CORS needed, and a request from
     * there is let through); a browser app elsewhere gets CORS for the web origins its client lists, and a
     * request from any other origin is refused.
     */
    @Test
    void answersCorsForTheOriginsTheTokensClientAllows() {
        String username = Users.create("cors");
        String origin = server.baseUrl();
        String app = "https://app.example";

        AppPasswordApi.Reply consoleCall = AppPasswordApi.send("GET", AppPasswordApi.selfUrl(),
                Fixtures.accountConsoleToken(username, Users.PASSWORD), null, null, Map.of("Origin", origin));
        assertEquals(200, consoleCall.status(), consoleCall.toString());

        String spa = Fixtures.browserAppClient(app);
        TokenClient.Response spaLogin = TokenClient.demo().passwordGrant(spa, null, username, Users.PASSWORD);
        assertTrue(spaLogin.ok(), spaLogin.toString());
        AppPasswordApi.Reply ok = AppPasswordApi.send("GET", AppPasswordApi.selfUrl(), spaLogin.accessToken(), null, null,
                Map.of("Origin", app));
        assertEquals(200, ok.status(), ok.toString());
        assertEquals(app, ok.header("Access-Control-Allow-Origin"), ok.headers().toString());
        assertEquals("true", ok.header("Access-Control-Allow-Credentials"));

        AppPasswordApi.Reply foreign = AppPasswordApi.send("GET", AppPasswordApi.selfUrl(), spaLogin.accessToken(), null, null,
                Map.of("Origin", "https://evil.example"));
        assertError(403, "invalid_origin", foreign);
        assertNull(foreign.header("Access-Control-Allow-Origin"), foreign.headers().toString());

        for (String path : List.of("", "/" + UUID.randomUUID())) {
            AppPasswordApi.Reply preflight = AppPasswordApi.send("OPTIONS", AppPasswordApi.selfUrl() + path, null, null, null,
                    Map.of("Origin", app, "Access-Control-Request-Method", path.isEmpty() ? "POST" : "DELETE",
                            "Access-Control-Request-Headers", "authorization,content-type"));
            assertEquals(200, preflight.status(), preflight.toString());
            assertEquals(app, preflight.header("Access-Control-Allow-Origin"), path + " " + preflight.headers());
            String methods = preflight.header("Access-Control-Allow-Methods");
            assertTrue(methods.contains("POST") && methods.contains("DELETE") && methods.contains("GET"), methods);
            assertTrue(preflight.header("Access-Control-Allow-Headers").toLowerCase().contains("authorization"));
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    static void assertError(int status, String error, AppPasswordApi.Reply reply) {
        assertError(status, error, reply, "");
    }

    static void assertError(int status, String error, AppPasswordApi.Reply reply, String context) {
        assertEquals(status, reply.status(), context + " " + reply);
        assertEquals(error, reply.error(), context + " " + reply);
        assertFalse(reply.json().path("error_description").asText("").isBlank(), context + " " + reply);
    }

    static JsonNode find(JsonNode list, String name) {
        for (JsonNode entry : list) {
            if (name.equals(entry.path("name").asText())) {
                return entry;
            }
        }
        throw new AssertionError("no app password named " + name + " in " + list);
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static String idOf(String username, String name) {
        return Users.appPasswords(username).stream().filter(c -> name.equals(c.getUserLabel()))
                .findFirst().orElseThrow().getId();
    }
}
