package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.keycloak.admin.client.Keycloak;

/**
 * One Keycloak node in production mode ({@code kc.sh start --optimized}) on a shared PostgreSQL, clustered
 * the way Keycloak 26 clusters by default: embedded Infinispan over JGroups, nodes discovered through the
 * database ({@code jdbc-ping}). Unlike {@link KeycloakServer} (one {@code start-dev} on H2 per test JVM) every
 * node runs from its own copy of the distribution, so nodes can be started, stopped and killed one by one;
 * the process itself is a {@link KeycloakProcess}, as the shared server's.
 *
 * <p>HTTP and the cluster transport listen on 127.0.0.1 only. {@link #template} augments one copy of the
 * distribution for PostgreSQL with the extension installed ({@code kc.sh build}); {@link #KeycloakNode} copies
 * it per node (jars hard-linked where the file system allows).
 */
public final class KeycloakNode implements AutoCloseable {

    /**
     * Two or three Keycloaks share a small machine in a test run. JGroups binds where
     * --cache-embedded-network-bind-address says (Keycloak warns about, and ignores, a jgroups.bind.address
     * given as well, so none from our environment: kc.sh skips an empty JAVA_OPTS_APPEND).
     */
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m",
            "JAVA_OPTS_APPEND", "");

    private final String name;
    private final Path home;
    private final boolean importRealm;
    private final KeycloakProcess process;

    /**
     * A node named {@code name} in {@code workDir/name}, copied from {@code template}; {@code importRealm}
     * imports the demo realm and creates the bootstrap admin on its first start (give it to one node only).
     */
    public KeycloakNode(String name, Path template, Path workDir, Postgres db, boolean importRealm) {
        this.name = name;
        this.home = workDir.resolve(name);
        this.importRealm = importRealm;
        Path log = workDir.resolve(name + ".log");
        int httpPort = Local.freePort();
        List<String> args = new ArrayList<>(List.of("start", "--optimized",
                "--db-url=" + db.jdbcUrl(), "--db-username=" + db.user(), "--db-password=" + db.password(),
                "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + httpPort,
                "--http-management-port=" + Local.freePort(),
                "--hostname-strict=false",
                // Keycloak's default in production, spelled out: embedded Infinispan, JGroups stack jdbc-ping
                "--cache=ispn",
                "--cache-embedded-network-bind-address=127.0.0.1",
                // JGroups' failure detector (FD_SOCK2) derives its own port from this one and moves up a few
                // ports when that is taken, so only the transport's port must be free.
                "--cache-embedded-network-bind-port=" + Local.freePort(),
                "--log-level=INFO,io.apppasswords:debug,org.jgroups:info"));
        if (importRealm) {
            args.add("--import-realm");
        }
        this.process = new KeycloakProcess(name, home, log, "http://127.0.0.1:" + httpPort, args, ENVIRONMENT);
        try {
            Local.deleteTree(home);
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
            Local.deleteTree(target);
            copyTree(dist, target, Set.of("data", "providers", ".harness.lock"));
            Files.createDirectories(target.resolve("providers"));
            Files.copy(jar, installed, StandardCopyOption.REPLACE_EXISTING);
            KeycloakProcess.run(target, log, Duration.ofMinutes(15), ENVIRONMENT, "build", "--db=postgres");
            Files.writeString(done, dist.toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare " + target, e);
        }
        return target;
    }

    public String name() {
        return name;
    }

    /** e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return process.baseUrl();
    }

    public String realmUrl() {
        return process.realmUrl();
    }

    public TokenClient tokens() {
        return new TokenClient(baseUrl(), DemoRealm.NAME);
    }

    /** Admin client of this node (realm master, admin/admin). */
    public Keycloak admin() {
        return process.admin();
    }

    public Path logFile() {
        return process.logFile();
    }

    // ------------------------------------------------------------------------------------------ start/stop

    /** Starts the node and waits until it serves the demo realm; the console is appended to {@link #logFile()}. */
    public void start() {
        if (importRealm) {
            try {
                DemoRealm.copyInto(home.resolve("data/import"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        process.start();
    }

    /** Graceful stop (TERM, Keycloak leaves the cluster), KILL after 60 s. Idempotent. */
    public void stop() {
        process.stop();
    }

    /** SIGKILL to the Keycloak JVM: no goodbye to the cluster, as in a crash or a power cut. */
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        stop();
    }

    // ------------------------------------------------------------------------------------------ helpers

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
