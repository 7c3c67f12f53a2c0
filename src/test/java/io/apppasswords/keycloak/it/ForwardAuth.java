package io.apppasswords.keycloak.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The forward-auth endpoint, asked as a reverse proxy asks it: {@link #proxy} headers (the demo's
 * {@code http-proxy} client, the service) plus the device's {@code Authorization}.
 */
public final class ForwardAuth {

    private ForwardAuth() {
    }

    public static String url() {
        return KeycloakServer.get().realmUrl() + "/app-passwords/forward-auth";
    }

    /** What nginx's check location sends: the proxy's client, secret and service (none if {@code null}). */
    public static Map<String, String> proxy(String service) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Forward-Auth-Client", DemoRealm.PROXY);
        headers.put("X-Forward-Auth-Secret", DemoRealm.PROXY_SECRET);
        if (service != null) {
            headers.put("X-Forward-Auth-Service", service);
        }
        return headers;
    }

    /** RFC 7617 credentials, UTF-8. */
    public static String basic(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code headers} plus the device's {@code Authorization: Basic}. */
    public static Map<String, String> device(Map<String, String> headers, String username, String password) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Authorization", basic(username, password));
        return all;
    }

    public static HttpReply check(String method, Map<String, String> headers) {
        return check(url(), method, headers);
    }

    /**
     * Any request to {@code url}, any method, no body. HTTP/1.1 as devices speak it over plain HTTP: Java's
     * default adds an {@code Upgrade: h2c} that no DAV client sends, and Caddy passes such a request on as a
     * protocol upgrade whose answer never ends.
     */
    public static HttpReply check(String url, String method, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .version(HttpClient.Version.HTTP_1_1).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return HttpReply.send(request.build());
    }

    /** A header's value as the UTF-8 bytes it was sent as (Java's client reads header bytes as ISO-8859-1). */
    public static String utf8Header(HttpReply reply, String name) {
        String value = reply.header(name);
        return value == null ? null : new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
