package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Collectors;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A small browser for Keycloak's server-rendered pages: keeps cookies, follows redirects by itself, parses
 * HTML with jsoup and submits forms the way a browser would (all successful controls plus the clicked
 * button). No JavaScript. Not thread-safe: use one per simulated user.
 *
 * <pre>{@code
 * Browser browser = new Browser(server.baseUrl());
 * Browser.Page page = browser.authorize("account-console", server.realmUrl() + "/account/", "app-password");
 * page = browser.login(page, "alice", "alice-password", Totp.ALICE);   // login page, then OTP page
 * page.form("...").set("...", "...").submit();                          // the required action's own form
 * }</pre>
 */
public final class Browser {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_REDIRECTS = 20;

    /** ids in Keycloak 26.7's login theme (keycloak.v2, and the same in the older "keycloak" theme) */
    public static final String LOGIN_FORM = "kc-form-login";
    public static final String OTP_FORM = "kc-otp-login-form";

    private final String baseUrl;
    private final HttpClient http;
    private final List<StoredCookie> cookies = new ArrayList<>();
    private final List<String> stopAt = new ArrayList<>();
    private Authorization lastAuthorization;

    public Browser(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** For the shared server. */
    public static Browser demo() {
        return new Browser(KeycloakServer.get().baseUrl());
    }

    /**
     * Redirects whose target starts with this prefix are not followed: the returned page then has
     * {@link Page#redirected()} true and {@link Page#location()} set. {@link #authorize} adds its redirect URI.
     */
    public Browser stopAt(String urlPrefix) {
        stopAt.add(urlPrefix);
        return this;
    }

    // ---------------------------------------------------------------------------------------- navigation

    public Page get(String url) {
        return navigate("GET", URI.create(absolute(url)), null);
    }

    /**
     * Starts an OIDC authorization-code request with PKCE (S256), state and nonce in realm
     * {@value DemoRealm#NAME}, and stops at {@code redirectUri}. {@code kcAction} (may be null) asks
     * for an application-initiated action, e.g. {@code "app-password"}.
     */
    public Page authorize(String clientId, String redirectUri, String kcAction) {
        return authorize(DemoRealm.NAME, clientId, redirectUri, kcAction, Map.of());
    }

    public Page authorize(String realm, String clientId, String redirectUri, String kcAction, Map<String, String> extra) {
        String verifier = randomToken(48);
        String challenge = base64Url(sha256(verifier));
        String state = randomToken(16);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", clientId);
        q.put("redirect_uri", redirectUri);
        q.put("response_type", "code");
        q.put("scope", "openid");
        q.put("state", state);
        q.put("nonce", randomToken(16));
        q.put("code_challenge", challenge);
        q.put("code_challenge_method", "S256");
        if (kcAction != null) {
            q.put("kc_action", kcAction);
        }
        q.putAll(extra);
        lastAuthorization = new Authorization(clientId, redirectUri, state, verifier);
        if (!stopAt.contains(redirectUri)) {
            stopAt.add(redirectUri);
        }
        return get(baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth?" + formEncode(q));
    }

    /** The PKCE verifier, state and redirect URI of the last {@link #authorize} call. */
    public Authorization lastAuthorization() {
        return lastAuthorization;
    }

    /**
     * Fills Keycloak's login page ({@value #LOGIN_FORM}: username, password) and, if the OTP page
     * ({@value #OTP_FORM}: otp) follows and {@code totp} is given, a fresh code. Returns the page after
     * that: the redirect to the client, a required action's page, or the same page with an error.
     */
    public Page login(Page loginPage, String username, String password, Totp totp) {
        Page page = loginPage.form(LOGIN_FORM)
                .set("username", username)
                .set("password", password)
                .submit();
        if (totp != null && page.hasForm(OTP_FORM)) {
            page = page.form(OTP_FORM).set("otp", totp.fresh()).submit();
        }
        return page;
    }

    /** Forget all cookies (a new browser session). */
    public void clearCookies() {
        cookies.clear();
    }

    /** Value of a cookie that would be sent to {@code url}, if any. */
    public Optional<String> cookie(String name, String url) {
        URI uri = URI.create(absolute(url));
        return cookies.stream().filter(c -> c.matches(uri) && c.cookie.getName().equals(name))
                .map(c -> c.cookie.getValue()).findFirst();
    }

    private Page navigate(String method, URI uri, String formBody) {
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                    .header("Accept-Language", "en")
                    .header("User-Agent", "app-passwords-it-browser");
            String cookieHeader = cookieHeader(uri);
            if (!cookieHeader.isEmpty()) {
                rb.header("Cookie", cookieHeader);
            }
            if ("POST".equals(method)) {
                rb.header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(formBody, StandardCharsets.UTF_8));
            } else {
                rb.GET();
            }
            HttpResponse<String> response;
            try {
                response = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + uri + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            storeCookies(uri, response.headers().allValues("Set-Cookie"));
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (status >= 300 && status < 400 && location.isPresent()) {
                URI next = uri.resolve(location.get());
                String nextUrl = next.toString();
                if (stopAt.stream().anyMatch(nextUrl::startsWith)) {
                    return new Page(this, status, uri, response.body(), nextUrl);
                }
                if (status != 307 && status != 308) {
                    method = "GET";
                    formBody = null;
                }
                uri = next;
                continue;
            }
            return new Page(this, status, uri, response.body(), null);
        }
        throw new IllegalStateException("more than " + MAX_REDIRECTS + " redirects, last at " + uri);
    }

    private String absolute(String url) {
        return url.startsWith("http://") || url.startsWith("https://") ? url : baseUrl + url;
    }

    // ---------------------------------------------------------------------------------------- cookies

    private void storeCookies(URI uri, List<String> setCookieHeaders) {
        for (String header : setCookieHeaders) {
            List<HttpCookie> parsed;
            try {
                parsed = HttpCookie.parse(header);
            } catch (IllegalArgumentException malformed) {
                continue;
            }
            for (HttpCookie c : parsed) {
                if (c.getPath() == null || c.getPath().isEmpty()) {
                    String p = uri.getPath();
                    c.setPath(p == null || p.lastIndexOf('/') <= 0 ? "/" : p.substring(0, p.lastIndexOf('/')));
                }
                String host = c.getDomain() == null ? uri.getHost() : c.getDomain().replaceFirst("^\\.", "");
                cookies.removeIf(old -> old.cookie.getName().equals(c.getName())
                        && old.cookie.getPath().equals(c.getPath()) && old.host.equalsIgnoreCase(host));
                if (!c.hasExpired() && c.getMaxAge() != 0) {
                    cookies.add(new StoredCookie(host, c));
                }
            }
        }
    }

    private String cookieHeader(URI uri) {
        cookies.removeIf(c -> c.cookie.hasExpired());
        // Secure cookies are sent over http too: localhost is a secure context for real browsers.
        return cookies.stream()
                .filter(c -> c.matches(uri))
                .sorted((a, b) -> b.cookie.getPath().length() - a.cookie.getPath().length())
                .map(c -> c.cookie.getName() + "=" + c.cookie.getValue())
                .collect(Collectors.joining("; "));
    }

    private record StoredCookie(String host, HttpCookie cookie) {
        boolean matches(URI uri) {
            if (uri.getHost() == null || !uri.getHost().equalsIgnoreCase(host)) {
                return false;
            }
            String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            String cp = cookie.getPath();
            return path.equals(cp) || path.startsWith(cp.endsWith("/") ? cp : cp + "/");
        }
    }

    // ---------------------------------------------------------------------------------------- pages

    /** A response at the end of a redirect chain (or at a redirect matched by {@link #stopAt}). */
    public static final class Page {
        private final Browser browser;
        private final int status;
        private final URI uri;
        private final String body;
        private final String location;
        private Document doc;

        Page(Browser browser, int status, URI uri, String body, String location) {
            this.browser = browser;
            this.status = status;
            this.uri = uri;
            this.body = body == null ? "" : body;
            this.location = location;
        }

        public int status() {
            return status;
        }

        /** The URL this page was served from. */
        public URI uri() {
            return uri;
        }

        public String body() {
            return body;
        }

        /** True when this is a redirect that was not followed (see {@link Browser#stopAt}). */
        public boolean redirected() {
            return location != null;
        }

        /** The redirect target that was not followed, else null. */
        public String location() {
            return location;
        }

        /** A query parameter of the unfollowed redirect target (e.g. {@code code}, {@code error}, {@code kc_action_status}). */
        public String redirectParam(String name) {
            if (location == null) {
                return null;
            }
            return queryParams(URI.create(location)).get(name);
        }

        public Document doc() {
            if (doc == null) {
                doc = Jsoup.parse(body, uri.toString());
            }
            return doc;
        }

        /** The page heading of Keycloak's login theme ({@code #kc-page-title}), or the HTML title. */
        public String title() {
            Element h = doc().getElementById("kc-page-title");
            return h != null ? h.text() : doc().title();
        }

        /** Text of Keycloak's message banner ({@code .kc-feedback-text}) and of field errors ({@code [id^=input-error]}). */
        public String messages() {
            StringJoiner all = new StringJoiner(" | ");
            doc().select(".kc-feedback-text").forEach(e -> all.add(e.text()));
            doc().select("[id^=input-error-]:not([id^=input-error-container-])").forEach(e -> {
                if (!e.text().isBlank()) {
                    all.add(e.text());
                }
            });
            return all.toString();
        }

        public boolean hasForm(String id) {
            Element e = doc().getElementById(id);
            return e != null && "form".equals(e.normalName());
        }

        public Form form(String id) {
            Element e = doc().getElementById(id);
            if (e == null || !"form".equals(e.normalName())) {
                throw new AssertionError("no form #" + id + " on " + describe());
            }
            return new Form(browser, this, e);
        }

        /** The only form on the page, or the first of several. */
        public Form firstForm() {
            Element e = doc().selectFirst("form");
            if (e == null) {
                throw new AssertionError("no form on " + describe());
            }
            return new Form(browser, this, e);
        }

        /** Follows a link ({@code <a id=...>}) like a click. */
        public Page click(String linkId) {
            Element a = doc().getElementById(linkId);
            if (a == null || a.absUrl("href").isEmpty()) {
                throw new AssertionError("no link #" + linkId + " on " + describe());
            }
            return browser.get(a.absUrl("href"));
        }

        /** Short description for assertion messages: status, URL, title, messages, form ids. */
        public String describe() {
            if (redirected()) {
                return "HTTP " + status + " redirect to " + location;
            }
            String forms = doc().select("form[id]").stream().map(Element::id).collect(Collectors.joining(","));
            return "HTTP " + status + " " + uri + " title='" + title() + "' messages='" + messages()
                    + "' forms=[" + forms + "]";
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** A form about to be submitted: its current control values, which {@link #set} overrides. */
    public static final class Form {
        private final Browser browser;
        private final Page page;
        private final Element form;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        Form(Browser browser, Page page, Element form) {
            this.browser = browser;
            this.page = page;
            this.form = form;
        }

        public Element element() {
            return form;
        }

        /** Sets a field (also one the form does not have, e.g. a field added by JavaScript). */
        public Form set(String name, String value) {
            overrides.put(name, value);
            return this;
        }

        /** Submits without naming a button. */
        public Page submit() {
            return submit(null);
        }

        /**
         * Submits as a click on the submit button with this {@code name} (its value is sent), e.g.
         * {@code "login"} or {@code "cancel-aia"}.
         */
        public Page submit(String buttonName) {
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            for (Element control : form.select("input[name], select[name], textarea[name]")) {
                String name = control.attr("name");
                if (overrides.containsKey(name) || control.hasAttr("disabled")) {
                    continue;
                }
                String type = control.attr("type").toLowerCase();
                switch (control.normalName()) {
                    case "select" -> {
                        Element selected = control.selectFirst("option[selected]");
                        if (selected == null) {
                            selected = control.selectFirst("option");
                        }
                        if (selected != null) {
                            fields.add(Map.entry(name, selected.hasAttr("value") ? selected.attr("value") : selected.text()));
                        }
                    }
                    case "textarea" -> fields.add(Map.entry(name, control.wholeText()));
                    default -> {
                        if (type.equals("submit") || type.equals("button") || type.equals("image")
                                || type.equals("reset") || type.equals("file")) {
                            continue;
                        }
                        if ((type.equals("checkbox") || type.equals("radio")) && !control.hasAttr("checked")) {
                            continue;
                        }
                        String value = control.hasAttr("value") ? control.attr("value")
                                : (type.equals("checkbox") || type.equals("radio") ? "on" : "");
                        fields.add(Map.entry(name, value));
                    }
                }
            }
            overrides.forEach((k, v) -> fields.add(Map.entry(k, v)));
            if (buttonName != null) {
                Element button = form.selectFirst("button[name=" + buttonName + "], input[type=submit][name=" + buttonName + "]");
                if (button == null) {
                    throw new AssertionError("no button '" + buttonName + "' in form #" + form.id() + " on " + page.describe());
                }
                fields.add(Map.entry(buttonName, button.attr("value")));
            }
            String action = form.absUrl("action");
            if (action.isEmpty()) {
                action = page.uri().toString();
            }
            StringJoiner body = new StringJoiner("&");
            fields.forEach(e -> body.add(enc(e.getKey()) + "=" + enc(e.getValue())));
            if ("post".equalsIgnoreCase(form.attr("method"))) {
                return browser.navigate("POST", URI.create(action), body.toString());
            }
            String sep = action.contains("?") ? "&" : "?";
            return browser.navigate("GET", URI.create(action + sep + body), null);
        }
    }

    /** What {@link #authorize} sent, for the code exchange. */
    public record Authorization(String clientId, String redirectUri, String state, String codeVerifier) {
    }

    // ---------------------------------------------------------------------------------------- utilities

    static Map<String, String> queryParams(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            params.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String formEncode(Map<String, String> q) {
        StringJoiner j = new StringJoiner("&");
        q.forEach((k, v) -> j.add(enc(k) + "=" + enc(v)));
        return j.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return base64Url(b);
    }

    private static String base64Url(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
