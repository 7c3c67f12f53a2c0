package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A plain HTTP client for the extension's REST APIs, as a script or the account console calls them. */
public final class AppPasswordApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AppPasswordApi() {
    }

    public record Reply(int status, String body, JsonNode json, Map<String, java.util.List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        public String error() {
            return json.path("error").asText(null);
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + body;
        }
    }

    public static String selfUrl() {
        return KeycloakServer.get().realmUrl() + "/app-passwords";
    }

    public static String adminUrl() {
        return KeycloakServer.get().baseUrl() + "/admin/realms/" + KeycloakServer.REALM + "/app-passwords";
    }

    public static Reply send(String method, String url, String bearer, String contentType, String body) {
        return send(method, url, bearer, contentType, body, Map.of());
    }

    /** As {@link #send(String, String, String, String, String)} with extra request headers (e.g. Origin). */
    public static Reply send(String method, String url, String bearer, String contentType, String body,
                             Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        headers.forEach(request::setHeader); // replaces the default Accept when a test gives its own
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.body(), parse(r.body()), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Reply list(String bearer) {
        return send("GET", selfUrl(), bearer, null, null);
    }

    /** Every app password the tests were given, for {@link NoSecretInLogIT}. */
    public static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();

    public static Reply createJson(String bearer, String jsonBody) {
        Reply reply = send("POST", selfUrl(), bearer, "application/json", jsonBody);
        if (reply.status() == 201 && reply.json().hasNonNull("password")) {
            ISSUED.add(reply.json().path("password").asText());
        }
        return reply;
    }

    public static Reply create(String bearer, String name) {
        try {
            return createJson(bearer, JSON.writeValueAsString(Map.of("name", name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Reply delete(String bearer, String id) {
        return send("DELETE", selfUrl() + "/" + id, bearer, null, null);
    }

    /** {@code GET /admin/realms/demo/app-passwords/users/{userId}}. */
    public static Reply adminList(String bearer, String userId) {
        return send("GET", adminUrl() + "/users/" + userId, bearer, null, null);
    }

    /** {@code DELETE /admin/realms/demo/app-passwords/users/{userId}/{id}}. */
    public static Reply adminDelete(String bearer, String userId, String id) {
        return send("DELETE", adminUrl() + "/users/" + userId + "/" + id, bearer, null, null);
    }

    /** {@code DELETE /admin/realms/demo/app-passwords/users/{userId}}: all of the user's app passwords. */
    public static Reply adminDeleteAll(String bearer, String userId) {
        return send("DELETE", adminUrl() + "/users/" + userId, bearer, null, null);
    }

    /** The master admin's current access token (the admin client keeps it fresh). */
    public static String masterAdminToken() {
        return KeycloakServer.get().admin().tokenManager().getAccessTokenString();
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
}
