package io.apppasswords.keycloak.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Debian's Dovecot and Postfix, started as child processes of the test JVM on free loopback ports, with
 * configurations rendered from the templates under {@code docker/mail/} (the ones the Docker setup uses), so
 * the tests check what admins copy.
 *
 * <p>Everything lives in one throw-away directory: configs, a self-signed certificate, Dovecot's base_dir and
 * mailboxes, Postfix's queue. {@link #close()} stops both servers and keeps their logs under
 * {@code target/mail-logs/}.
 */
public final class MailServers implements AutoCloseable {

    public static final String DOMAIN = "example.com";
    /** The templates shared with docker/compose.yaml. */
    public static final Path TEMPLATES = Path.of("docker", "mail");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final Map<String, String> vars = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private final SSLSocketFactory tls;
    private Process dovecot;
    private Process postfix;

    public static Optional<Path> dovecotBinary() {
        return binary("dovecot");
    }

    public static Optional<Path> postfixBinary() {
        return binary("postfix");
    }

    private static Optional<Path> binary(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    /** Renders the configs for the given Keycloak token endpoint and mail client; starts nothing yet. */
    public MailServers(String tokenEndpoint, String clientId, String clientSecret) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("MailServerIT runs Dovecot and Postfix as root, as CI does (mail for the user nobody)");
        }
        try {
            dir = Files.createTempDirectory("app-passwords-mail-");
            // the mail user (nobody) and Dovecot's login processes must be able to walk into it
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Path mail = Files.createDirectories(dir.resolve("mail"));
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(mail, users.lookupPrincipalByName("nobody"));
            Files.createDirectories(dir.resolve("postfix-queue"));

            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            Local.selfSignedCertificate(key, cert);
            tls = trusting(cert);

            vars.put("KEYCLOAK_TOKEN_URL", tokenEndpoint);
            vars.put("MAIL_CLIENT_ID", clientId);
            vars.put("MAIL_CLIENT_SECRET", clientSecret);
            vars.put("MAIL_DOMAIN", DOMAIN);
            vars.put("MAIL_HOSTNAME", "mail." + DOMAIN);
            vars.put("MAIL_LISTEN", "127.0.0.1");
            vars.put("MAIL_UID", "nobody");
            vars.put("MAIL_GID", "nogroup");
            vars.put("MAIL_ROOT", mail.toString());
            vars.put("TLS_CERT", cert.toString());
            vars.put("TLS_KEY", key.toString());
            vars.put("DOVECOT_CONF_DIR", conf.toString());
            vars.put("DOVECOT_RUN_DIR", dir.resolve("dovecot-run").toString());
            vars.put("DOVECOT_STATE_DIR", Files.createDirectories(dir.resolve("dovecot-state")).toString());
            vars.put("DOVECOT_INSTANCE", dir.getFileName().toString());
            vars.put("DOVECOT_LOG", dir.resolve("dovecot.log").toString());
            vars.put("DOVECOT_HOST", "127.0.0.1");
            vars.put("IMAP_PORT", String.valueOf(Local.freePort()));
            vars.put("LMTP_PORT", String.valueOf(Local.freePort()));
            vars.put("DOVECOT_AUTH_PORT", String.valueOf(Local.freePort()));
            vars.put("SUBMISSION_PORT", String.valueOf(Local.freePort()));
            vars.put("SUBMISSION_LISTEN", "127.0.0.1:" + vars.get("SUBMISSION_PORT"));
            vars.put("POSTFIX_INET_INTERFACES", "127.0.0.1");
            vars.put("POSTFIX_QUEUE_DIR", dir.resolve("postfix-queue").toString());
            // Postfix creates it itself, owned by its mail_owner
            vars.put("POSTFIX_DATA_DIR", dir.resolve("postfix-data").toString());
            vars.put("POSTFIX_LOG", dir.resolve("postfix.log").toString());

            for (String file : List.of("dovecot/dovecot.conf", "dovecot/dovecot-oauth2.conf.ext",
                    "postfix/main.cf", "postfix/master.cf")) {
                Path template = TEMPLATES.resolve(file);
                Files.writeString(conf.resolve(template.getFileName()), render(Files.readString(template), vars, template));
            }
            // the client secret is in it
            Files.setPosixFilePermissions(conf.resolve("dovecot-oauth2.conf.ext"), PosixFilePermissions.fromString("rw-------"));
            // a backstop for a JVM that ends without close(): never leave a server behind
            Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.forEach(Local::stopTree), "mail-servers-stop"));
        } catch (IOException e) {
            throw new UncheckedIOException("preparing the mail servers", e);
        }
    }

    /** Fills every {@code ${NAME}} of a template; a placeholder without a value is an error, never left in. */
    public static String render(String template, Map<String, String> values, Path source) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException(source + ": no value for ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    public void startDovecot() {
        Path conf = dir.resolve("conf/dovecot.conf");
        dovecot = start(List.of(dovecotBinary().orElseThrow().toString(), "-F", "-c", conf.toString()), "dovecot.out");
        Local.awaitBanner(dovecot, imapPort(), "* OK", START_TIMEOUT, () -> diagnostics("dovecot.log"));
    }

    public void startPostfix() {
        // start-fg: the master stays a child of this JVM; the Postfix script checks and fixes the queue first.
        postfix = start(List.of(postfixBinary().orElseThrow().toString(), "-c", dir.resolve("conf").toString(), "start-fg"),
                "postfix.out");
        Local.awaitBanner(postfix, submissionPort(), "220 ", START_TIMEOUT, () -> diagnostics("postfix.log"));
    }

    public int imapPort() {
        return Integer.parseInt(vars.get("IMAP_PORT"));
    }

    public int submissionPort() {
        return Integer.parseInt(vars.get("SUBMISSION_PORT"));
    }

    /** Trusts exactly the servers' self-signed certificate (host name checks stay on). */
    public SSLSocketFactory tls() {
        return tls;
    }

    /** The servers' self-signed certificate (PEM), for clients that take a CA file. */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    public String dovecotLog() {
        return read(dir.resolve("dovecot.log"));
    }

    public String postfixLog() {
        return read(dir.resolve("postfix.log"));
    }

    @Override
    public void close() {
        if (postfix != null && postfix.isAlive()) {
            try {
                Commands.check(List.of(postfixBinary().orElseThrow().toString(), "-c", dir.resolve("conf").toString(), "stop"),
                        dir, Map.of(), null, Duration.ofSeconds(60));
            } catch (RuntimeException e) {
                System.err.println("postfix stop: " + e.getMessage());
            }
        }
        for (Process p : processes) {
            Local.stopTree(p);
        }
        try {
            Path logs = Files.createDirectories(Path.of("target", "mail-logs"));
            for (String log : List.of("dovecot.log", "dovecot.out", "postfix.log", "postfix.out")) {
                if (Files.exists(dir.resolve(log))) {
                    Files.copy(dir.resolve(log), logs.resolve(log), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Local.deleteTree(dir);
        } catch (IOException e) {
            System.err.println("cleaning up " + dir + ": " + e);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private Process start(List<String> command, String output) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(output).toFile()).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    private String diagnostics(String log) {
        return log + ":\n" + Local.tail(dir.resolve(log), 30) + "\nconsole:\n"
                + Local.tail(dir.resolve(log.replace(".log", ".out")), 30);
    }

    private static SSLSocketFactory trusting(Path certificate) {
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(certificate))) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("mail", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("trust store for " + certificate, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }
}
