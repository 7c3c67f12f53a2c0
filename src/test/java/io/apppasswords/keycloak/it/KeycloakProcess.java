package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.keycloak.admin.client.Keycloak;

/**
 * One Keycloak JVM, started by {@code kc.sh} under a {@link Watchdog}: the shared test server
 * ({@link KeycloakServer}) and every cluster node ({@link KeycloakNode}) are one of these, configured
 * differently. The console goes to {@link #logFile()} (appended); the server counts as ready when it serves
 * the demo realm's discovery document.
 *
 * <p>System properties: {@code keycloak.java.home} (the JDK that runs Keycloak, default: the one running this
 * JVM), {@code keycloak.start.timeout} (give up when the log has been silent this many seconds, default 180)
 * and {@code keycloak.start.max} (give up after this many seconds in all, default 600).
 */
final class KeycloakProcess {

    private final String name;
    private final Path home;
    private final Path log;
    private final String baseUrl;
    private final List<String> kcArgs;
    private final Map<String, String> environment;
    private Process process;
    private Keycloak admin;
    private volatile double startSeconds;

    /**
     * {@code name} for messages; {@code kcArgs} for {@code home/bin/kc.sh}; {@code environment} on top of
     * {@link #environment}'s.
     */
    KeycloakProcess(String name, Path home, Path log, String baseUrl, List<String> kcArgs,
                    Map<String, String> environment) {
        this.name = name;
        this.home = home;
        this.log = log;
        this.baseUrl = baseUrl;
        this.kcArgs = List.copyOf(kcArgs);
        this.environment = Map.copyOf(environment);
    }

    String baseUrl() {
        return baseUrl;
    }

    String realmUrl() {
        return baseUrl + "/realms/" + DemoRealm.NAME;
    }

    Path logFile() {
        return log;
    }

    String logTail(int lines) {
        return Local.tail(log, lines);
    }

    /** Seconds the last start took until Keycloak was ready. */
    double startSeconds() {
        return startSeconds;
    }

    /** Admin client of this Keycloak, logged into realm master through admin-cli. Shared; do not close. */
    synchronized Keycloak admin() {
        if (admin == null) {
            admin = Keycloak.getInstance(baseUrl, "master", DemoRealm.ADMIN_USER, DemoRealm.ADMIN_PASSWORD,
                    "admin-cli");
        }
        return admin;
    }

    /** Starts Keycloak and waits until it serves the demo realm; stops it again and throws if it does not. */
    synchronized void start() {
        if (process != null) {
            throw new IllegalStateException(name + " is running");
        }
        List<String> kc = new ArrayList<>();
        kc.add(home.resolve("bin/kc.sh").toString());
        kc.addAll(kcArgs);
        ProcessBuilder pb = new ProcessBuilder(Watchdog.around(name + "-watchdog", "kill -TERM $child 2>/dev/null", kc))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = environment(pb.environment());
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", DemoRealm.ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", DemoRealm.ADMIN_PASSWORD);
        env.putAll(environment);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name, e);
        }
        awaitReady();
    }

    /** Graceful stop: TERM through the watchdog (a node leaves its cluster), KILL after 60 s. Idempotent. */
    synchronized void stop() {
        closeAdmin();
        if (process != null) {
            Watchdog.stop(process, 60);
            process = null;
        }
    }

    /** SIGKILL to the Keycloak JVM: no goodbye to anyone, as in a crash or a power cut. */
    synchronized void kill() {
        closeAdmin();
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        Optional<ProcessHandle> java = p.descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
        java.ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().join();
        });
        Watchdog.stop(p, 0);
        if (java.isEmpty()) {
            throw new IllegalStateException("No Keycloak JVM found under " + name + "'s watchdog");
        }
    }

    /**
     * Runs {@code kc.sh kcArgs} in {@code home} to its end (e.g. {@code build}), output to {@code log};
     * throws if it fails or takes longer than {@code timeout}.
     */
    static void run(Path home, Path log, Duration timeout, Map<String, String> environment, String... kcArgs) {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString()));
        cmd.addAll(List.of(kcArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        environment(pb.environment()).putAll(environment);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeout + "; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "); see " + log
                        + ":\n" + Local.tail(log, 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JDK of {@code keycloak.java.home}, and no {@code JAVA} from our environment to override it. */
    private static Map<String, String> environment(Map<String, String> env) {
        env.put("JAVA_HOME", System.getProperty("keycloak.java.home", System.getProperty("java.home")));
        env.remove("JAVA");
        return env;
    }

    /**
     * Waits for the demo realm's discovery document. Gives up when the log has not grown for
     * {@code keycloak.start.timeout} seconds (a hung or crashed start) or after {@code keycloak.start.max}
     * seconds in all, so a slow but progressing start on a loaded machine still succeeds.
     */
    private void awaitReady() {
        long idleSeconds = Long.getLong("keycloak.start.timeout", 180L);
        long maxSeconds = Math.max(idleSeconds, Long.getLong("keycloak.start.max", 600L));
        long start = System.nanoTime();
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
            } else if (now - start > TimeUnit.SECONDS.toNanos(maxSeconds)) {
                why = "it was not up after " + maxSeconds + " s (keycloak.start.max)";
            } else if (!process.isAlive()) {
                why = "it exited with status " + process.exitValue();
            }
            if (why != null) {
                stop();
                throw new IllegalStateException(name + " did not serve realm " + DemoRealm.NAME + ": " + why
                        + "; last HTTP status " + lastStatus + ". Log " + log + ", last lines:\n" + logTail(60));
            }
            try {
                lastStatus = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (lastStatus == 200) {
                    startSeconds = (System.nanoTime() - start) / 1e9;
                    return;
                }
            } catch (IOException notYet) {
                // connection refused while booting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
            Local.sleep(500);
        }
    }

    private void closeAdmin() {
        if (admin != null) {
            try {
                admin.close();
            } catch (RuntimeException ignored) {
                // the server may be gone already
            }
            admin = null;
        }
    }
}
