package io.apppasswords.keycloak.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A plain HTTP client for the extension's REST APIs, as a script or the account console calls them. */
public final class AppPasswordApi {

    private AppPasswordApi() {
    }

    public static String selfUrl() {
        return KeycloakServer.get().realmUrl() + "/app-passwords";
    }

    public static String adminUrl() {
        return KeycloakServer.get().baseUrl() + "/admin/realms/" + DemoRealm.NAME + "/app-passwords";
    }

    public static HttpReply send(String method, String url, String bearer, String contentType, String body) {
        return send(method, url, bearer, contentType, body, Map.of());
    }

    /** As {@link #send(String, String, String, String, String)} with extra request headers (e.g. Origin). */
    public static HttpReply send(String method, String url, String bearer, String contentType, String body,
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
        return HttpReply.send(request.build());
    }

    public static HttpReply list(String bearer) {
        return send("GET", selfUrl(), bearer, null, null);
    }

    /** Every app password the tests were given, for {@link NoSecretInLogIT}. */
    public static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();

    public static HttpReply createJson(String bearer, String jsonBody) {
        HttpReply reply = send("POST", selfUrl(), bearer, "application/json", jsonBody);
        if (reply.status() == 201 && reply.json().hasNonNull("password")) {
            ISSUED.add(reply.json().path("password").asText());
        }
        return reply;
    }

    /** Creates an app password from {@code fields} (name, protocols, clients...), asserts 201 and returns the secret. */
    public static String createSecret(String bearer, Map<String, Object> fields) {
        HttpReply reply = createJson(bearer, Json.write(fields));
        assertEquals(201, reply.status(), reply.toString());
        return reply.json().path("password").asText();
    }

    public static HttpReply create(String bearer, String name) {
        return createJson(bearer, Json.write(Map.of("name", name)));
    }

    public static HttpReply delete(String bearer, String id) {
        return send("DELETE", selfUrl() + "/" + id, bearer, null, null);
    }

    /** {@code GET /admin/realms/demo/app-passwords/users/{userId}}. */
    public static HttpReply adminList(String bearer, String userId) {
        return send("GET", adminUrl() + "/users/" + userId, bearer, null, null);
    }

    /** {@code DELETE /admin/realms/demo/app-passwords/users/{userId}/{id}}. */
    public static HttpReply adminDelete(String bearer, String userId, String id) {
        return send("DELETE", adminUrl() + "/users/" + userId + "/" + id, bearer, null, null);
    }

    /** {@code DELETE /admin/realms/demo/app-passwords/users/{userId}}: all of the user's app passwords. */
    public static HttpReply adminDeleteAll(String bearer, String userId) {
        return send("DELETE", adminUrl() + "/users/" + userId, bearer, null, null);
    }

    /** The master admin's current access token (the admin client keeps it fresh). */
    public static String masterAdminToken() {
        return KeycloakServer.get().admin().tokenManager().getAccessTokenString();
    }
}
