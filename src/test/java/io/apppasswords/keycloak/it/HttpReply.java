package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Any answer the harness gets over HTTP (token endpoint, REST APIs): status, raw body, the body as JSON
 * ({@link MissingNode} if it was not JSON) and the headers.
 */
public record HttpReply(int status, String body, JsonNode json, Map<String, List<String>> headers) {

    /** Never follows redirects: a test wants to see them. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** An answer without headers, e.g. to stand for a request that failed to connect. */
    public HttpReply(int status, String body) {
        this(status, body, Json.readOrMissing(body), Map.of());
    }

    static HttpReply send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new HttpReply(r.statusCode(), r.body(), Json.readOrMissing(r.body()), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The first value of a header, by case-insensitive name, or null. */
    public String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    /** A top-level field of the JSON body as text, or null. */
    public String field(String name) {
        JsonNode n = json.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    public String error() {
        return field("error");
    }

    public String errorDescription() {
        return field("error_description");
    }

    /** A successful token grant: HTTP 200 with an access token. */
    public boolean ok() {
        return status == 200 && json.hasNonNull("access_token");
    }

    public String accessToken() {
        return field("access_token");
    }

    public String refreshToken() {
        return field("refresh_token");
    }

    /** The claims of the access token. */
    public JsonNode accessTokenClaims() {
        String token = accessToken();
        if (token == null) {
            throw new IllegalStateException("no access token in " + this);
        }
        return TokenClient.claims(token);
    }

    @Override
    public String toString() {
        return "HTTP " + status + " " + body;
    }
}
