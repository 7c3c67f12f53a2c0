package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL (Debian's {@code postgresql} package) for one test class: a fresh cluster in a temp
 * directory, listening on 127.0.0.1 and a free port only, with database {@value #DATABASE} owned by
 * {@value #USER} (password authentication). {@link #close()} stops it and deletes the directory.
 *
 * <p>PostgreSQL refuses to run as root, so as root every server command runs as the {@code postgres} system
 * user (which the package creates) through {@code runuser}. The binaries are taken from system property
 * {@code postgres.bin} if set, else from the newest {@code /usr/lib/postgresql/<version>/bin}.
 */
public final class Postgres implements AutoCloseable {

    public static final String DATABASE = "keycloak";
    public static final String USER = "keycloak";

    private final Path dir;
    private final Path bin;
    private final boolean asPostgresUser;
    private final int port;
    private final String password;
    private final Path log;
    private Process process;

    private Postgres(Path dir, Path bin, boolean asPostgresUser, int port, String password, Path log) {
        this.dir = dir;
        this.bin = bin;
        this.asPostgresUser = asPostgresUser;
        this.port = port;
        this.password = password;
        this.log = log;
    }

    /** Creates, starts and waits for a new cluster; its server log goes to {@code log}. */
    public static Postgres start(Path log) {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        Postgres pg;
        try {
            Path dir = Files.createTempDirectory("app-passwords-pg-");
            pg = new Postgres(dir, bin, root, Local.freePort(), HexFormat.of().formatHex(random),
                    log.toAbsolutePath());
            Files.createDirectories(pg.log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for PostgreSQL", e);
        }
        try {
            pg.initdb();
            pg.launch();
            pg.awaitReady();
        } catch (RuntimeException | Error e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** Runs one SQL statement with psql and returns its unaligned output (for assertions on the schema). */
    public String sql(String statement) {
        return Commands.check(psql("-At", "-v", "ON_ERROR_STOP=1", "-c", statement), null,
                Map.of("PGPASSWORD", password), null, Duration.ofSeconds(60)).strip();
    }

    /** A psql session of its own, to hold a transaction open while Keycloak works (locks, uncommitted writes). */
    public Session session() {
        ProcessBuilder pb = new ProcessBuilder(psql("-At", "-v", "ON_ERROR_STOP=1"));
        pb.environment().put("PGPASSWORD", password);
        return new Session(pb);
    }

    /** Waits until some session waits for a row lock (one held by a {@link Session}); fails after 60 s. */
    public void awaitLockWaiter() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Integer.parseInt(sql("select count(*) from pg_stat_activity where wait_event_type = 'Lock'")) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nobody waited for a lock within 60 s");
            }
            Local.sleep(50);
        }
    }

    /** One open psql: statements run in order, each call returns once psql has run it. */
    public static final class Session implements AutoCloseable {
        private final Process psql;
        private final java.io.BufferedReader out;
        private final java.io.Writer in;
        private int mark;

        private Session(ProcessBuilder pb) {
            try {
                psql = pb.redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start psql", e);
            }
            out = new java.io.BufferedReader(new java.io.InputStreamReader(psql.getInputStream(), StandardCharsets.UTF_8));
            in = new java.io.OutputStreamWriter(psql.getOutputStream(), StandardCharsets.UTF_8);
        }

        /** Runs {@code statements} (semicolons included) and returns their output. */
        public String run(String statements) {
            String done = "done-" + (++mark);
            try {
                in.write(statements + "\nselect '" + done + "';\n");
                in.flush();
                StringBuilder output = new StringBuilder();
                for (String line = out.readLine(); !done.equals(line); line = out.readLine()) {
                    if (line == null) {
                        throw new IllegalStateException("psql ended: " + output);
                    }
                    output.append(line).append('\n');
                }
                return output.toString().strip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            psql.destroy();
        }
    }

    private List<String> psql(String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-U", USER, "-d", DATABASE));
        cmd.addAll(List.of(args));
        return cmd;
    }

    // ------------------------------------------------------------------------------------------ start/stop

    private static Path binaries() {
        String prop = System.getProperty("postgres.bin", "");
        if (!prop.isBlank()) {
            return Path.of(prop);
        }
        Path lib = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(lib)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("No PostgreSQL server under " + lib));
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)", e);
        }
    }

    private void initdb() {
        try {
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
            if (asPostgresUser) {
                Commands.check(List.of("chown", "-R", "postgres:postgres", dir.toString()));
            }
            Commands.Result r = Commands.run(server(bin.resolve("initdb").toString(), "-D", dataDir(), "-U", USER,
                    "--auth=scram-sha-256", "--pwfile=" + pwfile, "--encoding=UTF8", "--locale=C.UTF-8",
                    "--no-sync"), null, Map.of(), null, Duration.ofSeconds(180));
            Files.delete(pwfile);
            if (!r.ok()) {
                throw new IllegalStateException("initdb failed (" + r.status() + "): " + r.output());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() {
        // When this JVM goes away (even by SIGKILL) the watchdog asks the postmaster for a fast shutdown.
        List<String> cmd = Watchdog.around("postgres-watchdog",
                "kill -INT $(head -1 \"$PGDATA/postmaster.pid\" 2>/dev/null) 2>/dev/null",
                server(bin.resolve("postgres").toString(), "-D", dataDir(), "-k", dir.toString(),
                        "-h", "127.0.0.1", "-p", String.valueOf(port),
                        // a throw-away cluster: durability buys nothing here and costs a lot on a busy disk
                        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                        "-c", "max_connections=300"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().put("PGDATA", dataDir());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start PostgreSQL", e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited with " + process.exitValue() + "; see " + log);
            }
            Commands.Result r = Commands.run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1",
                    "-p", String.valueOf(port), "-U", USER, DATABASE), null, Map.of("PGPASSWORD", password), null,
                    Duration.ofSeconds(30));
            if (r.ok()) {
                return;
            }
            last = r.output();
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("PostgreSQL did not accept connections on 127.0.0.1:" + port
                + " (last createdb output: " + last.strip() + "); see " + log);
    }

    /** Fast shutdown (open sessions are ended), then the directory is deleted. Idempotent. */
    @Override
    public synchronized void close() {
        Process p = process;
        process = null;
        if (p != null) {
            Watchdog.stop(p, 60);
        }
        try {
            Local.deleteTree(dir);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("Could not delete " + dir + ": " + e);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private String dataDir() {
        return dir.resolve("data").toString();
    }

    /** A server-side command, run as the postgres system user when this JVM runs as root. */
    private List<String> server(String... command) {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        return cmd;
    }

}
