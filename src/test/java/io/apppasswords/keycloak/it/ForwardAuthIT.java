package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.apppasswords.keycloak.it.AppPasswordAssertions.find;
import static io.apppasswords.keycloak.it.ForwardAuth.check;
import static io.apppasswords.keycloak.it.ForwardAuth.device;
import static io.apppasswords.keycloak.it.ForwardAuth.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forward-auth endpoint over HTTP, as a reverse proxy calls it (docs/HTTP-SERVICES.md). */
class ForwardAuthIT {

    private static final String CHALLENGE = "Basic realm=\"%s\", charset=\"UTF-8\"";

    @BeforeAll
    static void start() {
        KeycloakServer.get();
    }

    @Test
    void anAppPasswordPassesWithAnyMethodAndNothingIsLeftBehind() {
        String username = Users.create("fwd");
        String secret = Users.createAppPassword(username, "Phone");
        // creating it took a login of its own; the checks must add none
        int sessions = Users.get(username).getUserSessions().size();
        for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND",
                "PROPPATCH", "REPORT", "MKCOL", "MKCALENDAR", "COPY", "MOVE", "LOCK", "UNLOCK", "ACL", "SEARCH")) {
            HttpReply r = check(method, device(proxy("caldav"), username, secret));
            assertEquals(200, r.status(), method + ": " + r);
            assertEquals(username, r.header("X-Remote-User"), method);
            assertNull(r.header("Set-Cookie"), method + ": no cookie");
            assertFalse(r.body().contains("token"), method + ": no token");
            assertEquals("no-store", r.header("Cache-Control"), method);
        }
        assertEquals(sessions, Users.get(username).getUserSessions().size(), "no session");
    }

    @Test
    void missingMalformedAndWrongCredentialsGetTheRealmsBasicChallenge() {
        String username = Users.create("fwdbad");
        String secret = Users.createAppPassword(username, "Phone");
        String displayName = realmDisplayName();
        Map<String, String> noCredentials = proxy("caldav");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("wrong app password", ForwardAuth.basic(username, AppPasswordAssertions.mutate(secret)));
        cases.put("main password", ForwardAuth.basic(username, Users.PASSWORD));
        cases.put("unknown user", ForwardAuth.basic("nobody-" + username, secret));
        cases.put("empty user name", ForwardAuth.basic("", secret));
        cases.put("no colon", "Basic " + Base64.getEncoder().encodeToString(username.getBytes(StandardCharsets.UTF_8)));
        cases.put("not Base64", "Basic ###");
        cases.put("not UTF-8", "Basic " + Base64.getEncoder().encodeToString(new byte[]{'a', (byte) 0xff, ':', 'b'}));
        cases.put("another scheme", "Bearer " + secret);
        cases.put("scheme only", "Basic");
        for (var c : cases.entrySet()) {
            Map<String, String> headers = new LinkedHashMap<>(noCredentials);
            headers.put("Authorization", c.getValue());
            assertChallenge(check("GET", headers), displayName, c.getKey());
        }
        assertChallenge(check("PROPFIND", noCredentials), displayName, "none");
        assertEquals(200, check("GET", device(proxy("caldav"), username, secret)).status(), "the right one still works");

        String scheme = "bAsIc " + ForwardAuth.basic(username, secret).substring("Basic ".length());
        Map<String, String> anyCase = new LinkedHashMap<>(noCredentials);
        anyCase.put("Authorization", scheme);
        assertEquals(200, check("GET", anyCase).status(), "the scheme is case-insensitive (RFC 9110)");
    }

    @Test
    void aUtf8UserNameSignsInAndIsNamedInUtf8() {
        String ascii = Users.create("utf");
        String username = "jürgen-çağrı-" + ascii;
        var user = Users.representation(username, Users.PASSWORD);
        user.setEmail("u" + ascii + "@example.com");
        try (var created = Users.realm().users().create(user)) {
            assertEquals(201, created.getStatus());
        }
        String secret = Users.createAppPassword(username, "Phone");
        HttpReply r = check("GET", device(proxy("caldav"), username, secret));
        assertEquals(200, r.status(), r.toString());
        assertEquals(username, ForwardAuth.utf8Header(r, "X-Remote-User"));
    }

    @Test
    void aProxyThatCannotNameItselfIsRefusedWith403NeverAChallenge() {
        String username = Users.create("fwdproxy");
        String secret = Users.createAppPassword(username, "Phone");
        Map<String, Map<String, String>> proxies = new LinkedHashMap<>();
        proxies.put("no proxy headers", Map.of());
        proxies.put("no secret", Map.of("X-Forward-Auth-Client", DemoRealm.PROXY));
        proxies.put("wrong secret", Map.of("X-Forward-Auth-Client", DemoRealm.PROXY,
                "X-Forward-Auth-Secret", DemoRealm.PROXY_SECRET + "x"));
        proxies.put("unknown client", Map.of("X-Forward-Auth-Client", "no-such-client",
                "X-Forward-Auth-Secret", DemoRealm.PROXY_SECRET));
        proxies.put("public client", Map.of("X-Forward-Auth-Client", DemoRealm.CLI, "X-Forward-Auth-Secret", ""));
        for (var p : proxies.entrySet()) {
            HttpReply r = check("GET", device(p.getValue(), username, secret));
            AppPasswordAssertions.assertError(403, "invalid_client", r, p.getKey());
            assertNull(r.header("WWW-Authenticate"), p.getKey() + ": a device must not ask for a password again");
        }

        // A confidential client whose direct-grant flow has no App Password step: the admin's mistake, said as such.
        String noStep = Fixtures.directGrantClient("nostep", null, false, false);
        HttpReply r = check("GET", device(Map.of("X-Forward-Auth-Client", noStep, "X-Forward-Auth-Secret", Fixtures.SECRET),
                username, secret));
        AppPasswordAssertions.assertError(403, "unauthorized_client", r);
        assertNull(r.header("WWW-Authenticate"));
    }

    @Test
    void aProtocolLimitedAppPasswordPassesOnlyForItsServiceNamedByATrustedProxy() {
        String username = Users.create("fwdproto");
        String token = Users.accountToken(username, Users.PASSWORD);
        String calendars = AppPasswordApi.createSecret(token, Map.of("name", "Calendar", "protocols", List.of("caldav")));
        String any = AppPasswordApi.createSecret(token, Map.of("name", "Any"));
        for (String service : List.of("caldav", "carddav", "webdav", "imap")) {
            assertEquals(service.equals("caldav") ? 200 : 401,
                    check("GET", device(proxy(service), username, calendars)).status(), service);
            assertEquals(200, check("GET", device(proxy(service), username, any)).status(), "no limit: " + service);
        }
        assertEquals(401, check("GET", device(proxy(null), username, calendars)).status(), "no service named: fail closed");
        assertEquals(401, check("GET", device(proxy("gopher"), username, calendars)).status(), "an unknown service");

        // mail-mixed's flow has the step, but the step does not trust it: its service header counts for nothing
        Map<String, String> untrusted = Map.of("X-Forward-Auth-Client", DemoRealm.MIXED,
                "X-Forward-Auth-Secret", DemoRealm.MIXED_SECRET, "X-Forward-Auth-Service", "caldav");
        assertEquals(401, check("GET", device(untrusted, username, calendars)).status());
        assertEquals(200, check("GET", device(untrusted, username, any)).status());
    }

    @Test
    void theClientRestrictionOfAnAppPasswordHolds() {
        String username = Users.create("fwdclient");
        String token = Users.accountToken(username, Users.PASSWORD);
        String mailOnly = AppPasswordApi.createSecret(token, Map.of("name", "Mail only", "clients", List.of(DemoRealm.MAIL)));
        assertEquals(401, check("GET", device(proxy("caldav"), username, mailOnly)).status());
    }

    @Test
    void aRevokedAppPasswordIsRefusedAtOnce() {
        String username = Users.create("fwdrevoke");
        String secret = Users.createAppPassword(username, "Phone");
        assertEquals(200, check("GET", device(proxy("caldav"), username, secret)).status());
        String token = Users.accountToken(username, Users.PASSWORD);
        assertEquals(204, AppPasswordApi.delete(token, Users.appPasswordId(username, "Phone")).status());
        assertEquals(401, check("GET", device(proxy("caldav"), username, secret)).status());
    }

    @Test
    void eventsAndLastUseNameTheDeviceTheTrustedProxySaw() {
        String username = Users.create("fwdevent");
        String secret = Users.createAppPassword(username, "Tablet");
        Map<String, String> headers = device(proxy("carddav"), username, secret);
        headers.put("X-Forwarded-For", "203.0.113.99, 198.51.100.23"); // the device's claim, then what nginx saw
        assertEquals(200, check("GET", headers).status());
        assertEquals(401, check("GET", device(proxy("carddav"), username, AppPasswordAssertions.mutate(secret))).status());

        JsonNode used = find(AppPasswordApi.list(Users.accountToken(username, Users.PASSWORD)).json(), "Tablet");
        assertEquals("198.51.100.23", used.path("lastUsedIp").asText(), used.toString());
        assertEquals(DemoRealm.PROXY, used.path("lastUsedClient").asText());
        assertEquals("carddav", used.path("lastUsedProtocol").asText());

        String userId = Users.id(username);
        List<EventRepresentation> events = Users.realm().getEvents(List.of("LOGIN", "LOGIN_ERROR"), DemoRealm.PROXY,
                userId, null, null, null, 0, 10);
        EventRepresentation login = events.stream().filter(e -> "LOGIN".equals(e.getType())).findFirst().orElseThrow();
        assertEquals("198.51.100.23", login.getIpAddress());
        assertEquals("forward-auth", login.getDetails().get("auth_method"));
        assertEquals("Tablet", login.getDetails().get("app_password_name"));
        assertTrue(events.stream().anyMatch(e -> "LOGIN_ERROR".equals(e.getType())
                && "invalid_user_credentials".equals(e.getError())), events.toString());
        events.forEach(e -> AppPasswordAssertions.assertNoSecret(e.toString(), secret));
    }


    private static String realmDisplayName() {
        RealmRepresentation realm = Users.realm().toRepresentation();
        return realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getRealm() : realm.getDisplayName();
    }

    private static void assertChallenge(HttpReply r, String displayName, String context) {
        assertEquals(401, r.status(), context + ": " + r);
        assertEquals(String.format(CHALLENGE, displayName), ForwardAuth.utf8Header(r, "WWW-Authenticate"), context);
        assertNull(r.header("X-Remote-User"), context);
        assertNull(r.header("Set-Cookie"), context);
    }
}
