package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's OpenLDAP server ({@code slapd}, package {@code slapd}; the tools from {@code ldap-utils}), started
 * once per test JVM on 127.0.0.1 and a free port from a {@code slapd.conf} written into a temp directory:
 * an MDB database under {@value #BASE_DN}, users under {@value #PEOPLE_DN}, and the ppolicy overlay, which
 * stamps {@code pwdChangedTime} on every password change. A shutdown hook stops it and deletes the directory.
 *
 * <p>The package's own service is never used (.ci/run installs it with service starts denied).
 */
public final class Slapd {

    public static final String BASE_DN = "dc=example,dc=org";
    public static final String PEOPLE_DN = "ou=people," + BASE_DN;
    public static final String ADMIN_DN = "cn=admin," + BASE_DN;
    public static final String ADMIN_PASSWORD = "ldap-admin-secret";

    private static final Path BINARY = Path.of("/usr/sbin/slapd");

    private static Slapd instance;

    private final Path dir;
    private final int port;
    private Process process;

    private Slapd(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** The shared directory server, started on first use. */
    public static synchronized Slapd get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "slapd-stop"));
        }
        return instance;
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    public static String dn(String uid) {
        return "uid=" + uid + "," + PEOPLE_DN;
    }

    /** Adds a person (inetOrgPerson) with a password, as an admin's provisioning would. */
    public void addUser(String uid, String password) {
        ldif("ldapadd", "dn: " + dn(uid) + "\nobjectClass: inetOrgPerson\nuid: " + uid + "\ncn: " + uid
                + "\nsn: Directory\ngivenName: Test\nmail: " + uid + "@example.org\nuserPassword: " + password + "\n");
    }

    /** Changes a password in the directory itself, with {@code ldappasswd} (the Password Modify extended operation). */
    public void changePassword(String uid, String newPassword) {
        tool(List.of("ldappasswd", "-x", "-H", url(), "-D", ADMIN_DN, "-w", ADMIN_PASSWORD, "-s", newPassword, dn(uid)), null);
    }

    /** One attribute of one entry as ldapsearch prints it ({@code null} if absent); operational ones included. */
    public String attribute(String uid, String attribute) {
        String out = tool(List.of("ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", url(), "-D", ADMIN_DN,
                "-w", ADMIN_PASSWORD, "-b", dn(uid), "-s", "base", "(objectClass=*)", attribute), null);
        return out.lines().filter(l -> l.startsWith(attribute + ": ")).map(l -> l.substring(attribute.length() + 2))
                .findFirst().orElse(null);
    }

    /**
     * Kills the server (SIGKILL, as a crash would), keeping its data: connections to its port are refused
     * until {@link #restart()}.
     */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again on its port with its data, after {@link #kill()}. */
    public synchronized void restart() {
        if (process.isAlive()) {
            return;
        }
        process = launch(dir, port);
        awaitListening();
    }

    // ------------------------------------------------------------------------------------------ start/stop

    private static Slapd start() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("slapd is not installed (apt-get install slapd ldap-utils; .ci/run does)");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("app-passwords-slapd-");
            Files.createDirectories(dir.resolve("db"));
            Files.writeString(dir.resolve("slapd.conf"), config(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("preparing slapd", e);
        }
        int port = Local.freePort();
        Slapd server = new Slapd(dir, port, launch(dir, port));
        try {
            server.awaitListening();
            server.ldif("ldapadd", "dn: " + BASE_DN + "\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n"
                    + "dn: " + PEOPLE_DN + "\nobjectClass: organizationalUnit\nou: people\n");
        } catch (RuntimeException | Error e) {
            server.stop();
            throw e;
        }
        return server;
    }

    private static Process launch(Path dir, int port) {
        try {
            // -d 0: stay in the foreground as our child, log nothing but errors (appended: a restart keeps the log)
            return new ProcessBuilder(BINARY.toString(), "-d", "0", "-f", dir.resolve("slapd.conf").toString(),
                    "-h", "ldap://127.0.0.1:" + port + "/")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("slapd.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting slapd", e);
        }
    }

    private static String config(Path dir) {
        return String.join("\n",
                "include /etc/ldap/schema/core.schema",
                "include /etc/ldap/schema/cosine.schema",
                "include /etc/ldap/schema/inetorgperson.schema",
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "moduleload ppolicy",
                "pidfile " + dir.resolve("slapd.pid"),
                "database mdb",
                "suffix \"" + BASE_DN + "\"",
                "rootdn \"" + ADMIN_DN + "\"",
                "rootpw " + ADMIN_PASSWORD,
                "directory " + dir.resolve("db"),
                "maxsize 104857600",
                // stamps pwdChangedTime on each change; hashes a cleartext userPassword that an add or Keycloak sends
                "overlay ppolicy",
                "ppolicy_hash_cleartext",
                "access to attrs=userPassword by self write by anonymous auth by * none",
                "access to * by * read",
                "");
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("slapd exited with " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IllegalStateException("slapd did not listen within 60 s: " + log());
    }

    private synchronized void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is no failure
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("slapd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void ldif(String tool, String ldif) {
        tool(List.of(tool, "-x", "-H", url(), "-D", ADMIN_DN, "-w", ADMIN_PASSWORD), ldif);
    }

    private static String tool(List<String> command, String stdin) {
        return Commands.check(command, null, Map.of(), stdin, Duration.ofSeconds(60));
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
