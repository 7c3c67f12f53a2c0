package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven through
 * chromedriver's W3C WebDriver HTTP API, which stays stable across Chromium versions (no client library
 * that must match the browser), with W3C's WebAuthn extension for a virtual passkey authenticator.
 * chromedriver listens on a free loopback port; the browser gets a fresh profile. {@link #close()} ends both.
 * For what the jsoup {@link Browser} cannot do: pages that need JavaScript (the account console, WebAuthn).
 *
 * <p>System properties: {@code chromium.binary} (default {@code /usr/bin/chromium}) and {@code chromium.driver}
 * (default {@code /usr/bin/chromedriver}).
 */
final class HeadlessChromium implements AutoCloseable {

    /** The white card of Keycloak's login pages (keycloak.v2 theme), for small screenshots. */
    static final String LOGIN_CARD = ".pf-v5-c-login__main";

    /** WebDriver's codes for keys that are not characters, for {@link #keys}. */
    static final String TAB = "\uE004";
    static final String ENTER = "\uE007";
    static final String SPACE = "\uE00D";
    static final String ARROW_DOWN = "\uE015";

    /** W3C's key for an element reference in JSON. */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Errors for what the page does not have (yet): {@link #waitFor} tries again. */
    private static final Set<String> NOT_THERE = Set.of("stale element reference", "no such element", "no such alert");

    private final Process driver;
    private final Path profile;
    private final String base;
    private final String session;

    HeadlessChromium(int width, int height) {
        this(width, height, true);
    }

    /** With {@code javaScript} false, pages run no script of their own (as with script blocked in a browser). */
    HeadlessChromium(int width, int height, boolean javaScript) {
        String chromedriver = System.getProperty("chromium.driver", "/usr/bin/chromedriver");
        String chromium = System.getProperty("chromium.binary", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(chromedriver)) || !Files.isExecutable(Path.of(chromium))) {
            throw new IllegalStateException("headless Chromium needs " + chromium + " and " + chromedriver
                    + " (Debian packages chromium and chromium-driver; .ci/run installs them)");
        }
        try {
            int port = Local.freePort();
            profile = Files.createTempDirectory("app-passwords-chromium-");
            Path log = Path.of("target", "chromedriver.log").toAbsolutePath();
            driver = new ProcessBuilder(chromedriver, "--port=" + port)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            base = "http://127.0.0.1:" + port;
            awaitDriver();
            Map<String, Object> options = Map.of("binary", chromium,
                    "args", List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--no-first-run", "--lang=en-US", "--user-data-dir=" + profile,
                            "--window-size=" + width + "," + height),
                    "prefs", javaScript ? Map.of("intl.accept_languages", "en-US,en")
                            : Map.of("intl.accept_languages", "en-US,en",
                            "profile.managed_default_content_settings.javascript", 2));
            session = call("POST", "/session", Map.of("capabilities", Map.of("alwaysMatch",
                    Map.of("browserName", "chrome", "goog:chromeOptions", options)))).path("sessionId").asText();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Opens Keycloak's login page for {@code clientId}'s application-initiated {@code app-password} action
     * (authorization code, PKCE S256) and signs in with the user's {@link Users#PASSWORD}.
     */
    void signInToAppPasswordAction(String username, String clientId, String redirectUri) {
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                sha256("chromium-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"));
        open(KeycloakServer.get().realmUrl() + "/protocol/openid-connect/auth?response_type=code&scope=openid"
                + "&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8) + "&state=s&nonce=n"
                + "&code_challenge_method=S256&code_challenge=" + challenge + "&kc_action=app-password");
        type(find("#username"), username);
        type(find("#password"), Users.PASSWORD);
        click(find("#kc-login"));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void open(String url) {
        command("POST", "/url", Map.of("url", url));
    }

    String url() {
        return command("GET", "/url", null).asText();
    }

    /** Waits up to 30 s until the current URL starts with {@code prefix}. */
    void awaitUrl(String prefix) {
        waitFor(() -> url().startsWith(prefix), "a URL starting with " + prefix);
    }

    /** Forgets every cookie of the current site: a new browser session there. */
    void deleteAllCookies() {
        command("DELETE", "/cookie", null);
    }

    /**
     * A platform authenticator holding discoverable credentials (passkeys) that verifies the user, as a
     * phone or laptop does: Chromium then answers WebAuthn requests without any dialog.
     */
    void addPasskeyAuthenticator() {
        command("POST", "/webauthn/authenticator", Map.of("protocol", "ctap2", "transport", "internal",
                "hasResidentKey", true, "hasUserVerification", true, "isUserVerified", true,
                "isUserConsenting", true));
    }

    /** Waits up to 30 s for a JavaScript {@code prompt}/{@code alert} and accepts it with its default text. */
    void acceptPrompt() {
        waitFor(() -> command("GET", "/alert/text", null), "a JavaScript prompt");
        command("POST", "/alert/accept", Map.of());
    }

    /** URL and the start of the page source, for assertion messages. */
    String describe() {
        String source = source();
        return url() + "\n" + (source.length() > 3000 ? source.substring(0, 3000) : source);
    }

    String source() {
        return command("GET", "/source", null).asText();
    }

    /** Waits up to 30 s for an element matching the CSS selector. */
    String find(String css) {
        return waitFor(() -> {
            List<String> all = findAll(css);
            return all.isEmpty() ? null : all.get(0);
        }, "element " + css + " on " + url());
    }

    List<String> findAll(String css) {
        List<String> ids = new ArrayList<>();
        command("POST", "/elements", Map.of("using", "css selector", "value", css))
                .forEach(e -> ids.add(elementId(e)));
        return ids;
    }

    /** Elements matching {@code css} inside {@code element}. */
    List<String> findAllIn(String element, String css) {
        List<String> ids = new ArrayList<>();
        command("POST", "/element/" + element + "/elements", Map.of("using", "css selector", "value", css))
                .forEach(e -> ids.add(elementId(e)));
        return ids;
    }

    /** Elements whose visible text contains {@code text} (an XPath search over the whole page). */
    List<String> findByText(String tag, String text) {
        List<String> ids = new ArrayList<>();
        command("POST", "/elements", Map.of("using", "xpath",
                "value", "//" + tag + "[contains(normalize-space(.), " + xpathLiteral(text) + ")]"))
                .forEach(e -> ids.add(elementId(e)));
        return ids;
    }

    void click(String element) {
        command("POST", "/element/" + element + "/click", Map.of());
    }

    /** Replaces the field's value by typing {@code text}. */
    void type(String element, String text) {
        command("POST", "/element/" + element + "/clear", Map.of());
        command("POST", "/element/" + element + "/value", Map.of("text", text));
    }

    /**
     * Presses and releases each key in turn on whatever has the focus, as a person at the keyboard does
     * (WebDriver's key actions; {@link #TAB}, {@link #SPACE}, ... for keys that are not characters).
     */
    void keys(String keys) {
        List<Map<String, String>> actions = new ArrayList<>();
        keys.codePoints().forEach(c -> {
            String key = new String(Character.toChars(c));
            actions.add(Map.of("type", "keyDown", "value", key));
            actions.add(Map.of("type", "keyUp", "value", key));
        });
        command("POST", "/actions", Map.of("actions", List.of(Map.of("type", "key", "id", "keyboard", "actions", actions))));
        command("DELETE", "/actions", null);
    }

    /** The element that has the keyboard focus. */
    String focused() {
        return elementId(command("GET", "/element/active", null));
    }

    /** A DOM property of the element as text, e.g. {@code value}, {@code checked}, {@code id}. */
    String property(String element, String name) {
        return command("GET", "/element/" + element + "/property/" + name, null).asText();
    }

    /** An accessibility property Chromium computed: {@code role} or {@code label} (what a screen reader announces). */
    String accessible(String element, String what) {
        return command("GET", "/element/" + element + "/computed" + what, null).asText();
    }

    String text(String element) {
        return command("GET", "/element/" + element + "/text", null).asText();
    }

    /** Waits until the supplier returns something other than null or false. */
    <T> T waitFor(Supplier<T> condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T value;
            try {
                value = condition.get();
            } catch (Gone stale) {
                value = null; // the page was replaced or re-rendered under our hands: try again
            }
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Local.sleep(200);
        }
    }

    /** Scrolls the page (and any scrolling container) so that the element is in the middle of the view. */
    void scrollIntoView(String element) {
        command("POST", "/execute/sync", Map.of("script", "arguments[0].scrollIntoView({block: 'center'});",
                "args", List.of(Map.of(ELEMENT, element))));
    }

    /** Where the tests' screenshots go: {@code -Dscreenshots.dir}, default {@code target/screenshots} (the docs' are in {@code docs/}). */
    static Path screenshots() {
        return Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
    }

    /** A PNG of the viewport. */
    void screenshot(Path file) {
        write(file, command("GET", "/screenshot", null).asText());
    }

    /** A PNG of one element (scrolled into view first by the driver). */
    void screenshot(Path file, String element) {
        write(file, command("GET", "/element/" + element + "/screenshot", null).asText());
    }

    private static void write(Path file, String base64Png) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(base64Png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (session != null) {
            try {
                call("DELETE", "/session/" + session, null);
            } catch (RuntimeException ignored) {
                // the browser goes with chromedriver below
            }
        }
        if (driver != null) {
            driver.destroy();
            try {
                if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                driver.destroyForcibly();
            }
        }
        if (profile != null) {
            try {
                Local.deleteTree(profile);
            } catch (IOException | UncheckedIOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }

    // ------------------------------------------------------------------------------------------ wire

    private JsonNode command(String method, String path, Object body) {
        return call(method, "/session/" + session + path, body);
    }

    private JsonNode call(String method, String path, Object body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        HttpReply reply = HttpReply.send(request);
        JsonNode value = reply.json().path("value");
        if (reply.status() != 200) {
            String error = value.path("error").asText();
            if (NOT_THERE.contains(error)) {
                throw new Gone(error);
            }
            throw new IllegalStateException("WebDriver " + method + " " + path + ": HTTP " + reply.status()
                    + " " + error + ": " + value.path("message").asText());
        }
        return value;
    }

    private void awaitDriver() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (call("GET", "/status", null).path("ready").asBoolean()) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            if (!driver.isAlive()) {
                throw new IllegalStateException("chromedriver exited with " + driver.exitValue());
            }
            Local.sleep(100);
        }
        throw new IllegalStateException("chromedriver did not start");
    }

    private static String elementId(JsonNode reference) {
        String id = reference.path(ELEMENT).asText("");
        if (id.isEmpty()) {
            throw new IllegalStateException("not a W3C element reference: " + reference);
        }
        return id;
    }

    /** An element reference that no longer points into the current page, or an alert that is not open. */
    static final class Gone extends RuntimeException {
        Gone(String message) {
            super(message);
        }
    }

    private static String xpathLiteral(String s) {
        return s.contains("'") ? "\"" + s + "\"" : "'" + s + "'";
    }
}
