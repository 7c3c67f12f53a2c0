package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Postfix built from the Postfix lines of the docs ({@link #docBlocks}): Debian 12's 3.7 from this machine,
 * or Debian 13's from the root {@code .ci/dovecot24-root.sh} makes, run in it with {@code chroot} (same network
 * namespace). The scaffolding around the docs' lines (queue, log, loopback, the internal services of
 * {@code docker/mail/postfix/master.cf}) is the test's; the docs' lines are used as written, except what is the
 * admin's own: the TLS files, the listening address and where Dovecot's auth service is.
 *
 * <p>Everything lives in one directory under the root's {@code /tmp}; {@link #close()} stops Postfix, keeps its
 * log as {@code target/mail-logs/postfix-<line>-<name>.log} and deletes the directory.
 */
public final class Postfix implements AutoCloseable {

    public enum Line {
        DEBIAN_12("Debian 12"), DEBIAN_13("Debian 13");

        private final String label;

        Line(String label) {
            this.label = label;
        }

        public Path root() {
            return this == DEBIAN_13 ? Dovecot.root24() : Path.of("/");
        }

        @Override
        public String toString() {
            return "Postfix of " + label;
        }
    }

    /** The docs' own TLS files, replaced by the test's certificate. */
    public static final String DOCS_KEY = "/etc/ssl/private/mail.key";
    public static final String DOCS_CERT = "/etc/ssl/certs/mail.pem";
    private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");
    private static final Pattern FILE_NAME = Pattern.compile("(main|master)\\.cf");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** The main.cf and master.cf lines of one Markdown file, in the order they appear. */
    public record DocBlocks(Path source, List<String> mainCf, List<String> masterCf) {
        public String main() {
            return String.join("\n", mainCf) + "\n";
        }

        public String master() {
            return String.join("\n", masterCf) + "\n";
        }
    }

    private final Line line;
    private final String name;
    private final Path dir;
    private final String inside;
    private final List<String> main = new ArrayList<>();
    private final List<String> master = new ArrayList<>();
    private final Map<String, Integer> services = new LinkedHashMap<>();
    private Process process;

    /** Whether this Postfix is on this machine (and we are root, as Postfix needs). */
    public static boolean installed(Line line) {
        return Files.isExecutable(line.root().resolve("usr/sbin/postfix"))
                && (line == Line.DEBIAN_12 || Dovecot.rootComplete())
                && "root".equals(System.getProperty("user.name"));
    }

    /** {@link #installed}, for tests: missing under CI ({@code CI=true}) is an error, .ci/run installs both. */
    public static boolean available(Line line) {
        if (!installed(line) && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(line + " is missing under CI: .ci/run installs postfix and runs "
                    + ".ci/dovecot24-root.sh (root " + Dovecot.root24() + ")");
        }
        return installed(line);
    }

    /**
     * The Postfix blocks of a Markdown file: a fenced block (no language, or {@code conf}) whose paragraph right
     * before it names {@code main.cf} or {@code master.cf}, the last one named deciding which, as the docs
     * introduce them.
     */
    public static DocBlocks docBlocks(Path markdown) {
        List<String> lines;
        try {
            lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> mainCf = new ArrayList<>();
        List<String> masterCf = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        String before = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher fence = FENCE.matcher(line);
            if (fence.matches()) {
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).startsWith("```")) {
                    end++;
                }
                String named = null;
                Matcher m = FILE_NAME.matcher(paragraph.isEmpty() ? before : paragraph);
                while (m.find()) {
                    named = m.group();
                }
                if (named != null && (fence.group(1).isEmpty() || fence.group(1).equals("conf"))) {
                    (named.equals("main.cf") ? mainCf : masterCf).addAll(lines.subList(i + 1, end));
                }
                paragraph.setLength(0);
                before = "";
                i = end;
            } else if (line.isBlank()) {
                if (!paragraph.isEmpty()) {
                    before = paragraph.toString();
                    paragraph.setLength(0);
                }
            } else {
                paragraph.append(line).append('\n');
            }
        }
        return new DocBlocks(markdown, mainCf, masterCf);
    }

    /** The first fenced block after {@code marker} in a Markdown file (e.g. a Dovecot block of the docs). */
    public static String blockAfter(Path markdown, String marker) {
        try {
            String text = Files.readString(markdown);
            int at = text.indexOf(marker);
            if (at < 0) {
                throw new IllegalStateException(markdown + " has no " + marker);
            }
            int open = text.indexOf("```\n", at) + 4;
            return text.substring(open, text.indexOf("```", open));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Postfix create(Line line, String name) {
        return new Postfix(line, name);
    }

    private Postfix(Line line, String name) {
        this.line = line;
        this.name = name;
        Path root = line.root();
        try {
            dir = Files.createTempDirectory(Files.createDirectories(root.resolve("tmp")), "app-passwords-postfix-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            inside = "/" + root.relativize(dir);
            Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("queue"));
            Local.selfSignedCertificate(dir.resolve("key.pem"), dir.resolve("cert.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException("preparing " + line, e);
        }
        main.addAll(List.of(
                "# test scaffolding: a throw-away queue, the log in a file, loopback only, no local delivery",
                "compatibility_level = 3.6",
                "queue_directory = " + inside + "/queue",
                "data_directory = " + inside + "/data",
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "maillog_file = " + inside + "/postfix.log",
                "maillog_file_prefixes = " + inside,
                "myhostname = mail.example.com",
                "mydomain = example.com",
                "mydestination =",
                "alias_maps =",
                "alias_database =",
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "mynetworks =",
                "# no DNS lookups of the loopback clients: nothing may leave this machine",
                "smtpd_peername_lookup = no",
                "# accepted mail is discarded here, never delivered anywhere",
                "default_transport = discard:test",
                "relay_transport = discard:test",
                "smtpd_tls_security_level = may",
                "# the docs' lines"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "postfix-stop"));
    }

    /** main.cf lines from the docs, the TLS files made the test's. */
    public Postfix mainCf(String lines) {
        main.add(lines.replace(DOCS_KEY, inside + "/key.pem").replace(DOCS_CERT, inside + "/cert.pem").stripTrailing());
        return this;
    }

    /** master.cf lines from the docs, as they are (for {@link #check()}). */
    public Postfix masterCf(String lines) {
        master.add(lines.stripTrailing());
        return this;
    }

    /**
     * A submission service from the docs' master.cf lines on a free loopback port, asking the Dovecot auth
     * service on {@code authPort} (each service may ask another Dovecot); returns its port.
     */
    public int submission(String docsLines, int authPort) {
        int port = Local.freePort();
        String[] lines = docsLines.stripTrailing().split("\n");
        String[] first = lines[0].trim().split("\\s+", 2);
        if (!first[0].equals("submission")) {
            throw new IllegalArgumentException("not the submission service: " + lines[0]);
        }
        master.add("127.0.0.1:" + port + " " + first[1]);
        master.addAll(List.of(lines).subList(1, lines.length));
        master.add("  -o smtpd_sasl_path=inet:127.0.0.1:" + authPort);
        services.put("submission-" + authPort, port);
        return port;
    }

    /** Writes main.cf and master.cf (with the template's internal services); returns the config dir inside. */
    public String writeConfig() {
        try {
            List<String> template = Files.readAllLines(MailServers.TEMPLATES.resolve("postfix/master.cf"));
            int internal = 0;
            while (!template.get(internal).startsWith("cleanup ")) {
                internal++;
            }
            List<String> all = new ArrayList<>(master);
            all.addAll(template.subList(internal, template.size()));
            Files.writeString(dir.resolve("conf/main.cf"), String.join("\n", main) + "\n");
            Files.writeString(dir.resolve("conf/master.cf"), String.join("\n", all) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inside + "/conf";
    }

    /**
     * What Postfix reads from the config: {@code postconf -n} (main.cf), {@code -M} and {@code -P} (master.cf),
     * after {@code postfix check} passed; fails with Postfix's words when any of them complains.
     */
    public String check() {
        String conf = writeConfig();
        StringBuilder read = new StringBuilder();
        for (List<String> args : List.of(List.of("postconf", "-c", conf, "-n"), List.of("postconf", "-c", conf, "-M"),
                List.of("postconf", "-c", conf, "-P"), List.of("postfix", "-c", conf, "check"))) {
            read.append(run(args));
        }
        return read.toString();
    }

    public Postfix start() {
        String conf = writeConfig();
        List<String> command = inRoot(List.of("postfix", "-c", conf, "start-fg"));
        try {
            // start-fg: the master stays a child of this JVM
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("postfix.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
        for (int port : services.values()) {
            Local.awaitBanner(process, port, "220 ", START_TIMEOUT, () -> line + ": " + diagnostics());
        }
        return this;
    }

    public Line line() {
        return line;
    }

    /** The servers' self-signed certificate (PEM) on the host, for clients that take a CA file. */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    public String log() {
        return Local.log(dir.resolve("postfix.log"));
    }

    @Override
    public void close() {
        stop();
        try {
            Path logs = Files.createDirectories(Path.of("target", "mail-logs"));
            String prefix = "postfix-" + line.name().toLowerCase() + "-" + name;
            for (String file : List.of("postfix.log", "postfix.out")) {
                if (Files.exists(dir.resolve(file))) {
                    Files.copy(dir.resolve(file), logs.resolve(prefix + file.substring("postfix".length())),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Local.deleteTree(dir);
        } catch (IOException e) {
            System.err.println("cleaning up " + dir + ": " + e);
        }
    }

    private synchronized void stop() {
        if (process != null) {
            if (process.isAlive()) {
                try {
                    run(List.of("postfix", "-c", inside + "/conf", "stop"));
                } catch (RuntimeException e) {
                    System.err.println("postfix stop: " + e.getMessage());
                }
            }
            Local.stopTree(process);
            process = null;
        }
    }

    private List<String> inRoot(List<String> command) {
        List<String> all = new ArrayList<>();
        if (line == Line.DEBIAN_13) {
            all.addAll(List.of("chroot", line.root().toString()));
        }
        all.addAll(command);
        return all;
    }

    /** Runs a Postfix command (in the root for Debian 13); its output, or an error with it unless it exits 0. */
    private String run(List<String> args) {
        List<String> command = inRoot(args);
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(line + ": " + String.join(" ", args) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String diagnostics() {
        try {
            Path out = dir.resolve("postfix.out");
            return Local.tail(dir.resolve("postfix.log"), 30) + "\n" + (Files.exists(out) ? Files.readString(out) : "");
        } catch (IOException e) {
            return e.toString();
        }
    }
}
