package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.keycloak.admin.client.Keycloak;

/**
 * One real Keycloak (the official distribution, {@code kc.sh start-dev}, H2) for the whole test JVM.
 *
 * <p>Started lazily by the first {@link #get()} and stopped by a JVM shutdown hook, so every {@code *IT}
 * class of a Failsafe run shares it. Before starting it copies the freshly built extension JAR into
 * {@code providers/}, wipes {@code data/} (fresh H2) and puts the demo realm into {@code data/import}.
 * The server's console goes to {@code target/keycloak-server.log}, never to the test output.
 *
 * <p>System properties (Failsafe and the {@code demo} profile pass the first three):
 * <ul>
 *   <li>{@code keycloak.home}: the unpacked distribution (required)</li>
 *   <li>{@code app-passwords.jar}: the extension JAR to install (required; {@code -} installs none)</li>
 *   <li>{@code keycloak.server.log}: where the server console goes (default {@code target/keycloak-server.log})</li>
 *   <li>{@code keycloak.http.port}: fixed HTTP port (default: a free one)</li>
 *   <li>{@code keycloak.java.home}: the JDK that runs Keycloak (default: the one running this JVM)</li>
 *   <li>{@code keycloak.start.timeout}: give up when the server log has been silent this many seconds (default 180)</li>
 *   <li>{@code keycloak.start.max}: give up after this many seconds in all (default 600)</li>
 * </ul>
 *
 * <p>{@link #main} is the demo launcher: {@code ./mvnw -Pdemo verify}.
 */
public final class KeycloakServer {

    public static final String REALM = "demo";
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";
    /** Classpath resource imported as realm {@value #REALM}. */
    public static final String DEMO_REALM_RESOURCE = "/demo-realm.json";

    private static final Duration POLL = Duration.ofMillis(500);
    /**
     * Runs Keycloak ("$@") as the shell's child; when our stdin pipe closes (this JVM stopped Keycloak or
     * died, even by SIGKILL) it sends TERM to kc.sh, which forwards it to the server. KeycloakNode uses it too.
     */
    static final String WATCHDOG = "exec 3<&0 </dev/null\n"
            + "\"$@\" 3<&- &\n"
            + "kc=$!\n"
            + "( cat <&3 >/dev/null; kill -TERM $kc 2>/dev/null ) &\n"
            + "exec 3<&-\n"
            + "wait $kc\n";
    private static volatile KeycloakServer instance;
    private static Throwable startFailure;
    private static FileLock homeLock;

    private final Path home;
    private final Path log;
    private final int httpPort;
    private final String baseUrl;
    /** kc.sh options that replace or add to the defaults, e.g. {@code --log-level}. */
    private final Map<String, String> options;
    private Process process;
    private Keycloak admin;
    private volatile long startMillis;

    private KeycloakServer(Path home, Path log, int httpPort, Map<String, String> options) {
        this.home = home;
        this.log = log;
        this.httpPort = httpPort;
        this.options = options;
        this.baseUrl = "http://localhost:" + httpPort;
    }

    /** The shared server, started on first use. Throws if it cannot be started. */
    public static KeycloakServer get() {
        KeycloakServer s = instance;
        if (s == null) {
            synchronized (KeycloakServer.class) {
                if (startFailure != null) {
                    throw new IllegalStateException("Keycloak failed to start earlier in this JVM", startFailure);
                }
                s = instance;
                if (s == null) {
                    try {
                        s = create(Map.of());
                        s.start();
                    } catch (RuntimeException | Error e) {
                        startFailure = e;
                        throw e;
                    }
                    instance = s;
                }
            }
        }
        return s;
    }

    /**
     * A server of its own, not the shared one, started now with kc.sh {@code options} (name to value,
     * e.g. {@code "--log-level" -> "INFO,org.hibernate.SQL:debug"}) over the defaults; the benchmark uses it
     * for a second run with SQL logging. Same paths as the shared server: never run both at once.
     */
    public static KeycloakServer startNew(Map<String, String> options) {
        KeycloakServer s = create(options);
        s.start();
        return s;
    }

    /** e.g. {@code http://localhost:41234} (no trailing slash). */
    public String baseUrl() {
        return baseUrl;
    }

    /** e.g. {@code http://localhost:41234/realms/demo}. */
    public String realmUrl() {
        return baseUrl + "/realms/" + REALM;
    }

    public String tokenEndpoint() {
        return realmUrl() + "/protocol/openid-connect/token";
    }

    public int httpPort() {
        return httpPort;
    }

    public Path home() {
        return home;
    }

    public Path logFile() {
        return log;
    }

    /** Admin client logged into realm master as admin/admin through admin-cli. Shared; do not close. */
    public synchronized Keycloak admin() {
        if (admin == null) {
            admin = Keycloak.getInstance(baseUrl, "master", ADMIN_USER, ADMIN_PASSWORD, "admin-cli");
        }
        return admin;
    }

    /** Whether the running Keycloak is release {@code major.minor} or later, as its server info reports. */
    public boolean isAtLeast(int major, int minor) {
        String[] parts = admin().serverInfo().getInfo().getSystemInfo().getVersion().split("[.-]");
        int actualMajor = Integer.parseInt(parts[0]);
        return actualMajor > major || actualMajor == major && Integer.parseInt(parts[1]) >= minor;
    }

    /** The last {@code lines} lines of the server log (for failure messages). */
    public String logTail(int lines) {
        return tail(log, lines);
    }

    // ------------------------------------------------------------------------------------------ start/stop

    private static KeycloakServer create(Map<String, String> options) {
        String homeProp = System.getProperty("keycloak.home");
        if (homeProp == null || homeProp.isBlank()) {
            throw new IllegalStateException("System property keycloak.home is not set: run the integration tests"
                    + " through Maven (./mvnw verify), which unpacks the distribution and passes it");
        }
        Path home = Path.of(homeProp).toAbsolutePath();
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak distribution at " + home
                    + " (bin/kc.sh missing); run ./mvnw verify (phase pre-integration-test unpacks it)");
        }
        Path log = Path.of(System.getProperty("keycloak.server.log", "target/keycloak-server.log")).toAbsolutePath();
        String portProp = System.getProperty("keycloak.http.port", "");
        int port = portProp.isBlank() || "0".equals(portProp) ? freePort() : Integer.parseInt(portProp.trim());
        return new KeycloakServer(home, log, port, options);
    }

    private void start() {
        try {
            lockHome();
            installProvider();
            prepareData();
            Files.createDirectories(log.getParent());
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare Keycloak in " + home, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "keycloak-server-stop"));
        awaitReady();
    }

    /**
     * Two runs in one distribution directory would wipe each other's database: hold a lock file for the
     * life of this JVM and refuse to start when another run holds it.
     */
    private void lockHome() throws IOException {
        if (homeLock != null && homeLock.isValid()) {
            return; // this JVM holds it already: a restart (startNew) of the same distribution
        }
        FileChannel channel = FileChannel.open(home.resolve(".harness.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("Another test run or demo is using " + home
                    + " (it holds .harness.lock there); stop it, or let it finish, and try again");
        }
        homeLock = lock; // released when this JVM exits
    }

    /** Copies the extension JAR into providers/ unless an identical copy is there (saves a re-augmentation). */
    private void installProvider() throws IOException {
        String jarProp = System.getProperty("app-passwords.jar");
        if (jarProp == null || jarProp.isBlank()) {
            throw new IllegalStateException("System property app-passwords.jar is not set (path of the built"
                    + " extension JAR, or '-' to start Keycloak without it)");
        }
        Path providers = home.resolve("providers");
        Files.createDirectories(providers);
        if ("-".equals(jarProp.trim())) {
            try (Stream<Path> old = Files.list(providers)) {
                for (Path p : (Iterable<Path>) old.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                    Files.delete(p);
                }
            }
            return;
        }
        Path jar = Path.of(jarProp).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Extension JAR " + jar + " does not exist: package first (./mvnw verify)");
        }
        Path target = providers.resolve(jar.getFileName());
        if (Files.isRegularFile(target) && Files.mismatch(jar, target) == -1L) {
            return;
        }
        Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Fresh H2 database and the demo realm in data/import (read by --import-realm). */
    private void prepareData() throws IOException {
        Path data = home.resolve("data");
        deleteTree(data);
        Path importDir = Files.createDirectories(data.resolve("import"));
        try (InputStream in = KeycloakServer.class.getResourceAsStream(DEMO_REALM_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Test resource " + DEMO_REALM_RESOURCE + " not on the classpath");
            }
            Files.copy(in, importDir.resolve("demo-realm.json"));
        }
    }

    private void launch() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("--http-host", "127.0.0.1");
        settings.put("--http-port", String.valueOf(httpPort));
        // The management interface (health, metrics) is off by default; if anything switches it on,
        // it must not take the fixed port 9000.
        settings.put("--http-management-port", String.valueOf(freePort()));
        // DEBUG for the extension and for what Keycloak logs about events and flows, so the
        // leak check (NoSecretInLogIT) reads everything that could carry a secret
        settings.put("--log-level", "INFO,io.apppasswords:debug,org.keycloak.events:debug,org.keycloak.authentication:debug");
        // Clean up expired app passwords every 2 s (default 15 min), so a test sees it happen.
        settings.put("--spi-credential--app-password--cleanup-interval-seconds", "2");
        settings.putAll(options);
        List<String> kc = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev", "--import-realm"));
        settings.forEach((name, value) -> kc.add(name + "=" + value));
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "keycloak-watchdog"));
        cmd.addAll(kc);

        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("JAVA_HOME", System.getProperty("keycloak.java.home", System.getProperty("java.home")));
        env.remove("JAVA");
        startMillis = System.currentTimeMillis();
        process = pb.start();
    }

    /**
     * Waits for the demo realm's discovery document. Gives up when the server log has not grown for
     * {@code keycloak.start.timeout} seconds (default 180: a hung or crashed start) or after
     * {@code keycloak.start.max} seconds in all (default 600), so a slow but progressing start on a loaded
     * machine still succeeds.
     */
    private void awaitReady() {
        long idleSeconds = Long.getLong("keycloak.start.timeout", 180L);
        long maxSeconds = Math.max(idleSeconds, Long.getLong("keycloak.start.max", 600L));
        long start = System.nanoTime();
        long hardDeadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
        long lastProgress = start;
        long lastLogSize = -1;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(realmUrl() + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        int lastStatus = -1;
        while (true) {
            long now = System.nanoTime();
            long logSize = log.toFile().length();
            if (logSize != lastLogSize) {
                lastLogSize = logSize;
                lastProgress = now;
            }
            String why = null;
            if (now - lastProgress > TimeUnit.SECONDS.toNanos(idleSeconds)) {
                why = "its log did not grow for " + idleSeconds + " s (keycloak.start.timeout)";
            } else if (now > hardDeadline) {
                why = "it was not up after " + maxSeconds + " s (keycloak.start.max)";
            }
            if (why != null) {
                stop();
                throw new IllegalStateException("Keycloak did not serve realm " + REALM + ": " + why
                        + "; last HTTP status " + lastStatus + ". Log " + log + ", last lines:\n" + logTail(60));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with status " + process.exitValue()
                        + " before realm " + REALM + " was up. Log " + log + ", last lines:\n" + logTail(60));
            }
            try {
                lastStatus = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (lastStatus == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // connection refused while booting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
            }
            sleep(POLL);
        }
    }

    /** How long the start took, in seconds (for reports). */
    public double startSeconds() {
        return (System.currentTimeMillis() - startMillis) / 1000.0;
    }

    /** Stops Keycloak: TERM through the watchdog, then KILL whatever is left after 30 s. Idempotent. */
    public synchronized void stop() {
        if (admin != null) {
            try {
                admin.close();
            } catch (RuntimeException ignored) {
                // shutting down anyway
            }
            admin = null;
        }
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        p.descendants().forEach(tree::add);
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.flush();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (ProcessHandle h : tree) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            }
            p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception notInTime) {
            // fall through to the forcible kill
        }
        tree.forEach(h -> {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        });
        if (p.isAlive()) {
            p.destroyForcibly();
        }
        process = null;
    }

    // ------------------------------------------------------------------------------------------ demo

    /** Demo launcher: starts Keycloak with the extension and the demo realm, prints how to use it, waits for Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        System.out.println("Starting Keycloak (log: " + Path.of(System.getProperty("keycloak.server.log",
                "target/keycloak-server.log")).toAbsolutePath() + ") ...");
        KeycloakServer kc = get();
        String b = kc.baseUrl();
        String r = kc.realmUrl();
        String secret = Totp.ALICE.secret();
        System.out.printf(
                "%nKeycloak is up after %.0f s with realm '%s' and the app-passwords extension.%n%n"
                        + "  Admin console     %s/admin/          admin / admin (realm master)%n"
                        + "  Account console   %s/account/        alice / alice-password (+ OTP), bob / bob-password%n"
                        + "                    Signing in > App passwords > Set up creates one (required action app-password)%n"
                        + "  Token endpoint    %s%n%n"
                        + "  alice's OTP secret: raw '%s', Base32 %s (HmacSHA1, 6 digits, 30 s)%n"
                        + "  current code: %s%n%n"
                        + "  Clients (direct grant):%n"
                        + "    mail-server / mail-server-secret  flow 'app passwords only'%n"
                        + "    mail-mixed  / mail-mixed-secret   flow 'app password or password + otp'%n"
                        + "    demo-cli    (public)              stock direct grant (password + OTP)%n%n"
                        + "  Try: curl -s %s -d grant_type=password -d client_id=mail-server -d client_secret=mail-server-secret \\%n"
                        + "         -d username=alice -d password=<app password>%n%n"
                        + "Press Ctrl-C to stop.%n",
                kc.startSeconds(), REALM, b, r,
                kc.tokenEndpoint(), secret, Totp.ALICE.base32Secret(), Totp.ALICE.now(),
                kc.tokenEndpoint());
        DemoMailServer.startIfInstalled(kc);
        new CountDownLatch(1).await(); // the shutdown hook stops Keycloak on Ctrl-C
    }

    // ------------------------------------------------------------------------------------------ helpers

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }
}
