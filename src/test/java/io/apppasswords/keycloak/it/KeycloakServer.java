package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.keycloak.admin.client.Keycloak;

/**
 * One real Keycloak (the official distribution, {@code kc.sh start-dev}, H2) for the whole test JVM.
 *
 * <p>Started lazily by the first {@link #get()} and stopped by a JVM shutdown hook, so every {@code *IT}
 * class of a Failsafe run shares it. Before starting it copies the freshly built extension JAR into
 * {@code providers/}, wipes {@code data/} (fresh H2) and puts the demo realm into {@code data/import}.
 * The server's console goes to {@code target/keycloak-server.log}, never to the test output. Starting,
 * waiting and stopping are {@link KeycloakProcess}'s, which also reads the start-up system properties.
 *
 * <p>System properties (Failsafe and the {@code demo} profile pass the first three):
 * <ul>
 *   <li>{@code keycloak.home}: the unpacked distribution (required)</li>
 *   <li>{@code app-passwords.jar}: the extension JAR to install (required; {@code -} installs none)</li>
 *   <li>{@code keycloak.server.log}: where the server console goes (default {@code target/keycloak-server.log})</li>
 *   <li>{@code keycloak.http.port}: fixed HTTP port (default: a free one)</li>
 * </ul>
 *
 * <p>{@link #main} is the demo launcher: {@code ./mvnw -Pdemo verify}.
 */
public final class KeycloakServer {

    private static volatile KeycloakServer instance;
    private static Throwable startFailure;
    private static FileLock homeLock;

    private final Path home;
    private final int httpPort;
    private final KeycloakProcess process;

    /** How long the shared server keeps the device set-up links of a new app password working. */
    public static final int DEVICE_LINK_SECONDS = 30;
    /** The shared server's clean-up interval (default 15 min), so a test sees expiry handled. */
    public static final int CLEANUP_INTERVAL_SECONDS = 2;

    private KeycloakServer(Path home, Path log, int httpPort, Map<String, String> options) {
        this.home = home;
        this.httpPort = httpPort;
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("--http-host", "127.0.0.1");
        settings.put("--http-port", String.valueOf(httpPort));
        // The management interface (health, metrics) is off by default; if anything switches it on,
        // it must not take the fixed port 9000.
        settings.put("--http-management-port", String.valueOf(Local.freePort()));
        // DEBUG for the extension and for what Keycloak logs about events and flows, so the
        // leak check (NoSecretInLogIT) reads everything that could carry a secret
        settings.put("--log-level", "INFO,io.apppasswords:debug,org.keycloak.events:debug,org.keycloak.authentication:debug");
        settings.put("--spi-credential--app-password--cleanup-interval-seconds", String.valueOf(CLEANUP_INTERVAL_SECONDS));
        // the device set-up links expire within a test (DeviceSetupIT), not after the 10 minutes of production
        settings.put("--spi-required-action--app-password--device-link-seconds", String.valueOf(DEVICE_LINK_SECONDS));
        settings.putAll(options);
        List<String> args = new ArrayList<>(List.of("start-dev", "--import-realm"));
        settings.forEach((name, value) -> args.add(name + "=" + value));
        this.process = new KeycloakProcess("keycloak", home, log, "http://localhost:" + httpPort, args, Map.of());
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
        return process.baseUrl();
    }

    /** e.g. {@code http://localhost:41234/realms/demo}. */
    public String realmUrl() {
        return process.realmUrl();
    }

    public String tokenEndpoint() {
        return realmUrl() + "/protocol/openid-connect/token";
    }

    public int httpPort() {
        return httpPort;
    }

    public Path logFile() {
        return process.logFile();
    }

    /** Admin client logged into realm master as admin/admin through admin-cli. Shared; do not close. */
    public Keycloak admin() {
        return process.admin();
    }

    /** Whether the running Keycloak is release {@code major.minor} or later, as its server info reports. */
    public boolean isAtLeast(int major, int minor) {
        String[] parts = admin().serverInfo().getInfo().getSystemInfo().getVersion().split("[.-]");
        int actualMajor = Integer.parseInt(parts[0]);
        return actualMajor > major || actualMajor == major && Integer.parseInt(parts[1]) >= minor;
    }

    /** The last {@code lines} lines of the server log (for failure messages). */
    public String logTail(int lines) {
        return process.logTail(lines);
    }

    /** How long the start took, in seconds (for reports). */
    public double startSeconds() {
        return process.startSeconds();
    }

    /** Stops Keycloak: TERM through the watchdog, then KILL whatever is left. Idempotent. */
    public void stop() {
        process.stop();
    }

    // ------------------------------------------------------------------------------------------ start

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
        String portProp = System.getProperty("keycloak.http.port", "");
        int port = portProp.isBlank() || "0".equals(portProp) ? Local.freePort() : Integer.parseInt(portProp.trim());
        return new KeycloakServer(home, logPath(), port, options);
    }

    private static Path logPath() {
        return Path.of(System.getProperty("keycloak.server.log", "target/keycloak-server.log")).toAbsolutePath();
    }

    private void start() {
        try {
            lockHome();
            installProvider();
            // fresh H2 database, and a fresh log (KeycloakProcess appends)
            Local.deleteTree(home.resolve("data"));
            DemoRealm.copyInto(home.resolve("data/import"));
            Files.createDirectories(logFile().getParent());
            Files.deleteIfExists(logFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare Keycloak in " + home, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "keycloak-server-stop"));
        process.start();
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

    // ------------------------------------------------------------------------------------------ demo

    /** Demo launcher: starts Keycloak with the extension and the demo realm, prints how to use it, waits for Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        System.out.println("Starting Keycloak (log: " + logPath() + ") ...");
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
                kc.startSeconds(), DemoRealm.NAME, b, r,
                kc.tokenEndpoint(), secret, Totp.ALICE.base32Secret(), Totp.ALICE.now(),
                kc.tokenEndpoint());
        DemoMailServer.startIfInstalled(kc);
        new CountDownLatch(1).await(); // the shutdown hook stops Keycloak on Ctrl-C
    }
}
