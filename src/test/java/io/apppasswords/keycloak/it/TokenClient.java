package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The token endpoint of the demo realm, driven as a mail server drives it: a form POST with
 * {@code grant_type=password}. Thread-safe; one instance can serve concurrent requests.
 */
public final class TokenClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String tokenEndpoint;

    public TokenClient(String baseUrl, String realm) {
        this.tokenEndpoint = baseUrl + "/realms/" + realm + "/protocol/openid-connect/token";
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** For the shared server and realm {@value KeycloakServer#REALM}. */
    public static TokenClient demo() {
        return new TokenClient(KeycloakServer.get().baseUrl(), KeycloakServer.REALM);
    }

    public String tokenEndpoint() {
        return tokenEndpoint;
    }

    /** Password grant; {@code clientSecret} and {@code totp} may be null. */
    public Response passwordGrant(String clientId, String clientSecret, String username, String password, String totp) {
        Map<String, String> form = passwordForm(clientId, clientSecret, username, password);
        if (totp != null) {
            form.put("totp", totp);
        }
        return post(form);
    }

    public Response passwordGrant(String clientId, String clientSecret, String username, String password) {
        return passwordGrant(clientId, clientSecret, username, password, null);
    }

    /** Authorization-code exchange (what a browser login ends with), with the PKCE verifier if given. */
    public Response exchangeCode(String clientId, String clientSecret, String code, String redirectUri, String codeVerifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        if (codeVerifier != null) {
            form.put("code_verifier", codeVerifier);
        }
        return post(form);
    }

    /**
     * A password grant as a mail server sends it with request headers of its own, e.g. Dovecot's
     * {@code X-Dovecot-Auth-Remote} and {@code X-Dovecot-Auth-Service}; {@code clientSecret} may be null.
     */
    public Response passwordGrantWithHeaders(String clientId, String clientSecret, String username, String password,
                                             Map<String, String> headers) {
        return post(passwordForm(clientId, clientSecret, username, password), headers);
    }

    private static Map<String, String> passwordForm(String clientId, String clientSecret, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        form.put("username", username);
        form.put("password", password);
        return form;
    }

    /** Any form POST to the token endpoint (values are URL-encoded here). */
    public Response post(Map<String, String> form) {
        return post(form, Map.of());
    }

    private Response post(Map<String, String> form, Map<String, String> headers) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        return postRaw(body.toString(), headers);
    }

    /** A POST of an already encoded body, for malformed-input tests. */
    public Response postRaw(String urlEncodedBody) {
        return postRaw(urlEncodedBody, Map.of());
    }

    private Response postRaw(String urlEncodedBody, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        headers.forEach(builder::header);
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(urlEncodedBody, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body(), parse(r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + tokenEndpoint + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return MissingNode.getInstance();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Decodes the payload (claims) of a JWT without checking its signature. */
    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a JWT: " + jwt);
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Status, raw body and the parsed JSON ({@link MissingNode} if the body was not JSON). */
    public record Response(int status, String body, JsonNode json) {

        public boolean ok() {
            return status == 200 && json.hasNonNull("access_token");
        }

        /** A top-level string field of the response, or null. */
        public String field(String name) {
            JsonNode n = json.get(name);
            return n == null || n.isNull() ? null : n.asText();
        }

        public String accessToken() {
            return field("access_token");
        }

        public String refreshToken() {
            return field("refresh_token");
        }

        public String error() {
            return field("error");
        }

        public String errorDescription() {
            return field("error_description");
        }

        /** The claims of the access token. */
        public JsonNode accessTokenClaims() {
            String token = accessToken();
            if (token == null) {
                throw new IllegalStateException("no access token in " + this);
            }
            return claims(token);
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + body;
        }
    }
}
