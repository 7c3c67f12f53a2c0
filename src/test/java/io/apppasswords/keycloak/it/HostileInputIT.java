package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broken and hostile input gets a clear 4xx (or Keycloak's wrong-password answer), never a 500 or a stack
 * trace, and the server keeps serving the next correct login.
 */
class HostileInputIT {

    private static String username;
    private static String secret;
    private static String bearer;

    @BeforeAll
    static void user() {
        username = Users.create("hostile");
        secret = Users.createAppPassword(username, "Mail");
        bearer = Users.accountToken(username, Users.PASSWORD);
    }

    private static HttpReply grant(String user, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", DemoRealm.MAIL);
        form.put("client_secret", DemoRealm.MAIL_SECRET);
        if (user != null) {
            form.put("username", user);
        }
        if (password != null) {
            form.put("password", password);
        }
        return TokenClient.demo().post(form);
    }

    private static void assertRefused(HttpReply r) {
        assertTrue(r.status() == 400 || r.status() == 401, r.toString());
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack trace: " + r);
        assertTrue(r.error() != null, "an OAuth error: " + r);
    }

    @Test
    void hostileGrantValuesAreRefusedLikeWrongPasswords() {
        String[] values = {
                "", "-", "- - - -", "------------------------", " ".repeat(30),
                "ä".repeat(24), "\u0000".repeat(24), secret + "\u0000", "\uD83D\uDCE7".repeat(24),
                "' OR '1'='1", "<script>alert(1)</script>", "%zz"
        };
        for (String value : values) {
            HttpReply r = grant(username, value);
            assertEquals(400, r.status(), "value of length " + value.length() + ": " + r);
            assertEquals("invalid_grant", r.error());
        }
        // Keycloak itself caps form bodies: 413 before any authenticator runs
        HttpReply huge = grant(username, "x".repeat(1024 * 1024));
        assertTrue(huge.status() == 400 || huge.status() == 413, huge.toString());
        assertFalse(huge.body().contains("\tat "));
        assertRefused(grant(username, null));
        assertRefused(grant(null, secret));
        assertRefused(grant("", secret));
        assertRefused(grant("no body " + UUID.randomUUID(), secret));
        assertRefused(grant(" " + username + " ", "x"));
        assertRefused(grant("\u0000", secret));
        assertRefused(grant("x".repeat(100_000), secret));
        assertTrue(grant(username, secret).ok(), "the server still works");
    }

    @Test
    void malformedBodiesAndContentTypesGetA4xx() throws Exception {
        String endpoint = TokenClient.demo().tokenEndpoint();
        String good = "grant_type=password&client_id=mail-server&client_secret=mail-server-secret&username="
                + username + "&password=" + secret;
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("json body", new String[]{"application/json", "{\"grant_type\":\"password\"}"});
        cases.put("text body", new String[]{"text/plain", good});
        cases.put("no content type", new String[]{null, good});
        cases.put("garbage form", new String[]{"application/x-www-form-urlencoded", "&&&===&&"});
        cases.put("empty form", new String[]{"application/x-www-form-urlencoded", ""});
        cases.put("binary", new String[]{"application/x-www-form-urlencoded", "\u0000\u0001\u0002\uFFFF"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            HttpReply r = AppPasswordApi.send("POST", endpoint, null, c.getValue()[0], c.getValue()[1]);
            assertTrue(r.status() >= 400 && r.status() < 500, c.getKey() + ": " + r);
            assertFalse(r.body().contains("\tat "), c.getKey() + ": stack trace");
        }
        assertTrue(grant(username, secret).ok(), "the server still works");
    }

    @Test
    void hostileNamesAreRefusedClearlyOrStoredAsPlainText() {
        Map<String, Integer> names = new LinkedHashMap<>();
        names.put("", 400);
        names.put("   ", 400);
        names.put("x".repeat(65), 400);
        names.put("tab\there", 400);
        names.put("line\nbreak", 400);
        names.put("nul\u0000", 400);
        names.put("<img src=x onerror=alert(1)>", 201);
        names.put("'; DROP TABLE CREDENTIAL; --", 201);
        names.put("x".repeat(64), 201);
        for (Map.Entry<String, Integer> name : names.entrySet()) {
            HttpReply r = AppPasswordApi.create(bearer, name.getKey());
            assertEquals(name.getValue().intValue(), r.status(), "name '" + name.getKey() + "': " + r);
            if (r.status() == 400) {
                assertEquals("invalid_name", r.error(), r.toString());
                assertFalse(r.json().path("error_description").asText().isBlank());
            } else {
                assertEquals(name.getKey(), r.json().path("name").asText());
            }
        }
    }

    @Test
    void malformedRestBodiesGetAClearJsonError() {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("{", "invalid_request");
        bodies.put("[]", "invalid_request");
        bodies.put("\"name\"", "invalid_request");
        bodies.put("{\"name\": 42}", "invalid_request");
        bodies.put("{\"name\": \"ok-" + UUID.randomUUID() + "\", \"colour\": \"red\"}", "invalid_request");
        bodies.put("{\"name\": \"x\", \"clients\": \"mail-server\"}", "invalid_request");
        bodies.put("{\"name\": \"x\", \"clients\": [\"no-such-client\"]}", "invalid_client");
        bodies.put("{\"name\": \"x\", \"expiresAt\": \"2001-01-01T00:00:00Z\"}", "invalid_expiry");
        bodies.put("{\"name\": \"x\", \"expiresAt\": \"tomorrow\"}", "invalid_expiry");
        bodies.put("{\"name\": \"" + "x".repeat(20_000) + "\"}", "invalid_request");
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            HttpReply r = AppPasswordApi.createJson(bearer, body.getKey());
            assertTrue(r.status() >= 400 && r.status() < 500, abbreviate(body.getKey()) + ": " + r);
            if (body.getValue() != null) {
                assertEquals(body.getValue(), r.error(), abbreviate(body.getKey()) + ": " + r);
            }
            assertFalse(r.body().contains("\tat "));
        }
        HttpReply wrongType = AppPasswordApi.send("POST", AppPasswordApi.selfUrl(), bearer, "text/plain", "{\"name\":\"x\"}");
        assertEquals(415, wrongType.status(), wrongType.toString());
        HttpReply unknownId = AppPasswordApi.delete(bearer, "../../users");
        assertTrue(unknownId.status() == 404 || unknownId.status() == 400, unknownId.toString());
    }

    /**
     * One bad request, answered with the same stable {@code error} and a description in the caller's language:
     * the user's own locale, else the request's Accept-Language, else the realm's default (English here).
     */
    @Test
    void aBadRequestIsDescribedInTheCallersLanguage() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("en", "en");
        expected.put("de", "de");
        expected.put("ja", "ja");
        expected.put("de;q=0.5, xx;q=0.9", "de");
        for (Map.Entry<String, String> language : expected.entrySet()) {
            Map<String, String> headers = language.getKey().equals("en") ? Map.of() : Map.of("Accept-Language", language.getKey());
            HttpReply r = AppPasswordApi.send("POST", AppPasswordApi.selfUrl(), bearer, "application/json",
                    "{\"name\": \"x\", \"colour\": \"red\"}", headers);
            assertEquals(400, r.status(), r.toString());
            assertEquals("invalid_request", r.error(), r.toString());
            assertEquals(Messages.msg(Messages.of(language.getValue()), "appPasswordApiFieldUnknown", "colour"),
                    r.json().path("error_description").asText(), language.getKey() + ": " + r);
        }

        // before anyone is known: the request's language
        HttpReply noToken = AppPasswordApi.send("GET", AppPasswordApi.selfUrl(), null, null, null, Map.of("Accept-Language", "ja"));
        assertEquals(401, noToken.status(), noToken.toString());
        assertEquals("invalid_token", noToken.error(), noToken.toString());
        assertEquals(Messages.msg(Messages.of("ja"), "appPasswordApiTokenRequired"), noToken.json().path("error_description").asText());

        // a user who chose French gets French whatever the browser asks for
        String french = Users.speaking("hostile-fr", "fr");
        HttpReply r = AppPasswordApi.send("POST", AppPasswordApi.selfUrl(), Users.accountToken(french, Users.PASSWORD),
                "application/json", "{", Map.of("Accept-Language", "de"));
        assertEquals("invalid_request", r.error(), r.toString());
        assertEquals(Messages.msg(Messages.of("fr"), "appPasswordApiJsonMalformed"), r.json().path("error_description").asText());
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
