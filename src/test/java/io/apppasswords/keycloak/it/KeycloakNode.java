package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.keycloak.admin.client.Keycloak;

/**
 * One Keycloak node in production mode ({@code kc.sh start --optimized}) on a shared PostgreSQL, clustered
 * the way Keycloak 26 clusters by default: embedded Infinispan over JGroups, nodes discovered through the
 * database ({@code jdbc-ping}). Unlike {@link KeycloakServer} (one {@code start-dev} on H2 per test JVM) every
 * node runs from its own copy of the distribution, so nodes can be started, stopped and killed one by one.
 *
 * <p>HTTP and the cluster transport listen on 127.0.0.1 only. {@link #template} augments one copy of the
 * distribution for PostgreSQL with the extension installed ({@code kc.sh build}); {@link #KeycloakNode} copies
 * it per node (jars hard-linked where the file system allows).
 */
public final class KeycloakNode implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);

    private final String name;
    private final Path home;
    private final Postgres db;
    private final Path log;
    private final boolean importRealm;
    private final int httpPort;
    private final int managementPort;
    private final int clusterPort;
    private Process process;
    private Keycloak admin;

    /**
     * A node named {@code name} in {@code workDir/name}, copied from {@code template}; {@code importRealm}
     * imports the demo realm and creates the bootstrap admin on its first start (give it to one node only).
     */
    public KeycloakNode(String name, Path template, Path workDir, Postgres db, boolean importRealm) {
        this.name = name;
        this.home = workDir.resolve(name);
        this.db = db;
        this.log = workDir.resolve(name + ".log");
        this.importRealm = importRealm;
        this.httpPort = KeycloakServer.freePort();
        this.managementPort = KeycloakServer.freePort();
        // JGroups' failure detector (FD_SOCK2) derives its own port from this one and moves up a few
        // ports when that is taken, so only the transport's port must be free.
        this.clusterPort = KeycloakServer.freePort();
        try {
            KeycloakServer.deleteTree(home);
            Files.deleteIfExists(log);
            copyTree(template, home, Set.of("data"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy " + template + " to " + home, e);
        }
    }

    /**
     * Copies the unpacked distribution {@code dist} to {@code target}, installs the extension {@code jar} and
     * runs {@code kc.sh build} for PostgreSQL; the build's output goes to {@code log}.
     */
    public static Path template(Path dist, Path jar, Path target, Path log) {
        Path done = target.resolve(".template-built");
        Path installed = target.resolve("providers").resolve(jar.getFileName());
        try {
            if (Files.isRegularFile(done) && Files.readString(done).equals(dist.toAbsolutePath().toString())
                    && Files.isRegularFile(installed) && Files.mismatch(jar, installed) == -1L) {
                return target; // built from this dist for this very JAR by an earlier run: saves minutes
            }
            KeycloakServer.deleteTree(target);
            copyTree(dist, target, Set.of("data", "providers", ".harness.lock"));
            Files.createDirectories(target.resolve("providers"));
            Files.copy(jar, installed, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare " + target, e);
        }
        ProcessBuilder pb = new ProcessBuilder(target.resolve("bin/kc.sh").toString(), "build", "--db=postgres")
                .directory(target.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb.environment());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException("kc.sh build did not finish in 15 min; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kc.sh build failed (" + p.exitValue() + "); see " + log
                        + ":\n" + KeycloakServer.tail(log, 30));
            }
            Files.writeString(done, dist.toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run kc.sh build", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return target;
    }

    public String name() {
        return name;
    }

    /** e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public String realmUrl() {
        return baseUrl() + "/realms/" + KeycloakServer.REALM;
    }

    public TokenClient tokens() {
        return new TokenClient(baseUrl(), KeycloakServer.REALM);
    }

    /** Admin client of this node (realm master, admin/admin). */
    public synchronized Keycloak admin() {
        if (admin == null) {
            admin = Keycloak.getInstance(baseUrl(), "master", KeycloakServer.ADMIN_USER,
                    KeycloakServer.ADMIN_PASSWORD, "admin-cli");
        }
        return admin;
    }

    public Path logFile() {
        return log;
    }

    // ------------------------------------------------------------------------------------------ start/stop

    /** Starts the node and waits until it serves the demo realm; the console is appended to {@link #logFile()}. */
    public synchronized void start() {
        if (process != null) {
            throw new IllegalStateException(name + " is running");
        }
        List<String> kc = new ArrayList<>(List.of(
                home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--db-url=" + db.jdbcUrl(), "--db-username=" + db.user(), "--db-password=" + db.password(),
                "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + httpPort,
                "--http-management-port=" + managementPort,
                "--hostname-strict=false",
                // Keycloak's default in production, spelled out: embedded Infinispan, JGroups stack jdbc-ping
                "--cache=ispn",
                "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + clusterPort,
                "--log-level=INFO,io.apppasswords:debug,org.jgroups:info"));
        if (importRealm) {
            kc.add("--import-realm");
            prepareImport();
        }
        // KeycloakServer's watchdog: TERM to Keycloak when this JVM goes away, even by SIGKILL
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", KeycloakServer.WATCHDOG, "keycloak-node-watchdog"));
        cmd.addAll(kc);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = environment(pb.environment());
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", KeycloakServer.ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", KeycloakServer.ADMIN_PASSWORD);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name, e);
        }
        awaitReady();
    }

    /** Graceful stop (TERM, Keycloak leaves the cluster), KILL after 60 s. Idempotent. */
    public synchronized void stop() {
        closeAdmin();
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        List<ProcessHandle> tree = new ArrayList<>();
        p.descendants().forEach(tree::add);
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.flush(); // closing it makes the watchdog send TERM
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.forEach(h -> {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        });
    }

    /** SIGKILL to the Keycloak JVM: no goodbye to the cluster, as in a crash or a power cut. */
    public synchronized void kill() {
        closeAdmin();
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        Optional<ProcessHandle> java = p.descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
        java.ifPresent(ProcessHandle::destroyForcibly);
        java.ifPresent(h -> h.onExit().join());
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.flush();
        } catch (IOException ignored) {
            // already closed
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        if (java.isEmpty()) {
            throw new IllegalStateException("No Keycloak JVM found under " + name + "'s watchdog");
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Map<String, String> environment(Map<String, String> env) {
        env.put("JAVA_HOME", System.getProperty("keycloak.java.home", System.getProperty("java.home")));
        env.remove("JAVA");
        // Two or three Keycloaks share a small machine in a test run.
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m");
        // JGroups binds where --cache-embedded-network-bind-address says (Keycloak warns about, and
        // ignores, a jgroups.bind.address given as well).
        env.remove("JAVA_OPTS_APPEND");
        return env;
    }

    private void prepareImport() {
        try {
            Path importDir = Files.createDirectories(home.resolve("data/import"));
            try (InputStream in = KeycloakNode.class.getResourceAsStream(KeycloakServer.DEMO_REALM_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(KeycloakServer.DEMO_REALM_RESOURCE + " not on the classpath");
                }
                Files.copy(in, importDir.resolve("demo-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("keycloak.start.max", 600L));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(realmUrl() + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; " + log
                        + ":\n" + KeycloakServer.tail(log, 60));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // booting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop();
        throw new IllegalStateException(name + " did not serve realm " + KeycloakServer.REALM + "; " + log
                + ":\n" + KeycloakServer.tail(log, 60));
    }

    private void closeAdmin() {
        if (admin != null) {
            try {
                admin.close();
            } catch (RuntimeException ignored) {
                // the node may be gone already
            }
            admin = null;
        }
    }

    /**
     * Copies a distribution but not the top-level entries named in {@code skip}, keeping file times (Keycloak
     * compares the providers' with those it saw at build time). The jars of lib/lib are hard-linked: nothing
     * writes to them, and it saves ~200 MB per copy.
     */
    private static void copyTree(Path from, Path to, Set<String> skip) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path src : (Iterable<Path>) walk::iterator) {
                Path rel = from.relativize(src);
                String first = rel.getNameCount() == 0 ? "" : rel.getName(0).toString();
                if (skip.contains(first)) {
                    continue;
                }
                Path dst = to.resolve(rel.toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else if (rel.startsWith("lib/lib")) {
                    try {
                        Files.createLink(dst, src);
                    } catch (IOException | UnsupportedOperationException otherFileSystem) {
                        Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } else {
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

}
