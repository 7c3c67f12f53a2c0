package io.apppasswords.keycloak.it;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The token endpoint of the demo realm, driven as a mail server drives it: a form POST with
 * {@code grant_type=password}. Thread-safe; one instance can serve concurrent requests.
 */
public final class TokenClient {

    private final String tokenEndpoint;
    /** Sent with every request, e.g. the end user's address as Dovecot forwards it. */
    private final Map<String, String> headers;

    public TokenClient(String baseUrl, String realm) {
        this(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token", Map.of());
    }

    private TokenClient(String tokenEndpoint, Map<String, String> headers) {
        this.tokenEndpoint = tokenEndpoint;
        this.headers = headers;
    }

    /** For the shared server and realm {@value DemoRealm#NAME}. */
    public static TokenClient demo() {
        return new TokenClient(KeycloakServer.get().baseUrl(), DemoRealm.NAME);
    }

    /** This client, with one more header on every request. */
    public TokenClient withHeader(String name, String value) {
        return withHeaders(Map.of(name, value));
    }

    /** The same client sending these headers too (as Dovecot sends X-Dovecot-Auth-Remote and -Service). */
    public TokenClient withHeaders(Map<String, String> extra) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.putAll(extra);
        return new TokenClient(tokenEndpoint, Map.copyOf(more));
    }

    public String tokenEndpoint() {
        return tokenEndpoint;
    }

    /** Password grant; {@code clientSecret} and {@code totp} may be null. */
    public HttpReply passwordGrant(String clientId, String clientSecret, String username, String password, String totp) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        form.put("username", username);
        form.put("password", password);
        if (totp != null) {
            form.put("totp", totp);
        }
        return post(form);
    }

    public HttpReply passwordGrant(String clientId, String clientSecret, String username, String password) {
        return passwordGrant(clientId, clientSecret, username, password, null);
    }

    /** {@link #mailLogin} on the shared server: what most tests mean by "the mail server logs in". */
    public static HttpReply mail(String username, String password) {
        return demo().mailLogin(username, password);
    }

    /** A login as the demo's mail server sends it: its client, the "app passwords only" flow. */
    public HttpReply mailLogin(String username, String password) {
        return passwordGrant(DemoRealm.MAIL, DemoRealm.MAIL_SECRET, username, password);
    }

    /**
     * A login as the demo's mail server sends it for a mail app at {@code ip} (Dovecot's
     * {@code X-Dovecot-Auth-Remote}, which the demo trusts from its mail server).
     */
    public HttpReply mailLoginFrom(String ip, String username, String password) {
        return withHeader("X-Dovecot-Auth-Remote", ip).mailLogin(username, password);
    }

    /** Authorization-code exchange (what a browser login ends with), with the PKCE verifier if given. */
    public HttpReply exchangeCode(String clientId, String clientSecret, String code, String redirectUri, String codeVerifier) {
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

    /** Any form POST to the token endpoint (values are URL-encoded here). */
    public HttpReply post(Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        return postRaw(body.toString());
    }

    /** A POST of an already encoded body, for malformed-input tests. */
    public HttpReply postRaw(String urlEncodedBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(urlEncodedBody, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return HttpReply.send(request.build());
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
        return Json.read(Base64.getUrlDecoder().decode(parts[1]));
    }
}
