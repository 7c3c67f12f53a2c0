package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Dovecot on free loopback ports: Debian 12's 2.3 from this machine, or Debian 13's 2.4 from the root that
 * {@code .ci/dovecot24-root.sh} makes, started in it with {@code chroot} (same network namespace, so it listens
 * on loopback like the host's). The base config (ports, TLS, mail storage) is test scaffolding; the auth part
 * is what admins copy: {@link #keycloakPassdb} renders the shipped templates of {@code docker/mail/dovecot/}.
 *
 * <p>Everything lives in one directory under the root's {@code /tmp}; {@link #close()} stops Dovecot, keeps
 * its log as {@code target/mail-logs/dovecot-<line>-<name>.log} and deletes the directory.
 */
public final class Dovecot implements AutoCloseable {

    public enum Line {
        V2_3("2.3"), V2_4("2.4");

        public final String version;

        Line(String version) {
            this.version = version;
        }

        /** The shipped auth part of dovecot.conf for this line (2.4's apart: the Docker image runs 2.3). */
        public Path authTemplate() {
            return this == V2_4 ? MailServers.TEMPLATES.resolve("dovecot-2.4/auth-keycloak.conf")
                    : TEMPLATES.resolve("auth-keycloak-2.3.conf");
        }

        @Override
        public String toString() {
            return "Dovecot " + version;
        }
    }

    public static final Path TEMPLATES = MailServers.TEMPLATES.resolve("dovecot");
    public static final String SCRIPT = "keycloak-app-passwords.lua";
    /** Dovecot 2.3's settings file for the script (2.4 takes lua_settings). */
    public static final String SETTINGS_23 = "keycloak-app-passwords.conf.ext";
    /** Written last by .ci/dovecot24-root.sh; the suffix names the package list the tests need (LMTP, Postfix). */
    private static final String ROOT_COMPLETE = ".app-passwords-root-complete-v2";
    private static final String LUA_MODULE = "usr/lib/dovecot/modules/auth/libauthdb_lua.so";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Line line;
    private final String name;
    private final Path root;
    private final Path dir;
    private final String inside;
    private final Map<String, String> vars = new LinkedHashMap<>();
    private final List<String> settings = new ArrayList<>();
    private final int imapPort = Local.freePort();
    private final int submissionPort = Local.freePort();
    private final int authPort = Local.freePort();
    private final int doveadmPort = Local.freePort();
    private final int lmtpPort = Local.freePort();
    /** The copy of the packaged configuration this instance runs, if any (else the harness's own config). */
    private Path stockEtc;
    private Process process;

    /** The Debian 13 root: {@code -Ddovecot24.root}, {@code $DOVECOT24_ROOT}, or the script's default. */
    public static Path root24() {
        String configured = System.getProperty("dovecot24.root", System.getenv("DOVECOT24_ROOT"));
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "keycloak-app-passwords", "debian13-dovecot");
    }

    /** Whether this line's Dovecot with dovecot-auth-lua is on this machine (and we are root, as Dovecot needs). */
    public static boolean installed(Line line) {
        Path root = line == Line.V2_4 ? root24() : Path.of("/");
        return Files.isExecutable(root.resolve("usr/sbin/dovecot")) && Files.exists(root.resolve(LUA_MODULE))
                && (line == Line.V2_3 || rootComplete())
                && "root".equals(System.getProperty("user.name"));
    }

    /** Whether the Debian 13 root was finished (a half-made one has some binaries already). */
    static boolean rootComplete() {
        return Files.exists(root24().resolve(ROOT_COMPLETE));
    }

    /**
     * {@link #installed}, for tests. Missing under CI ({@code CI=true}) is an error, since .ci/run installs
     * both lines: a test must not pass there by skipping.
     */
    public static boolean available(Line line) {
        if (!installed(line) && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(line + " with dovecot-auth-lua is missing under CI: .ci/run installs "
                    + "dovecot-auth-lua and runs .ci/dovecot24-root.sh (root " + root24() + ")");
        }
        return installed(line);
    }

    public static Dovecot create(Line line, String name) {
        return new Dovecot(line, name);
    }

    private Dovecot(Line line, String name) {
        this.line = line;
        this.name = name;
        this.root = line == Line.V2_4 ? root24() : Path.of("/");
        try {
            dir = Files.createTempDirectory(Files.createDirectories(root.resolve("tmp")), "app-passwords-dovecot-");
            // the mail user (nobody) and the login processes walk into it
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            inside = "/" + root.relativize(dir);
            Path mail = Files.createDirectories(dir.resolve("mail"));
            Files.setOwner(mail, mail.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
            Files.createDirectories(dir.resolve("state"));
            Local.selfSignedCertificate(dir.resolve("key.pem"), dir.resolve("cert.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException("preparing " + line, e);
        }
        vars.put("DOVECOT_CONF_DIR", inside);
        vars.put("MAIL_UID", "nobody");
        vars.put("MAIL_GID", "nogroup");
        vars.put("MAIL_ROOT", inside + "/mail");
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "dovecot-stop"));
    }

    /**
     * The shipped Lua passdb against a token endpoint: the script, this line's auth part and (2.3) the script's
     * settings file, rendered from the templates exactly as an admin fills them in.
     */
    public Dovecot keycloakPassdb(String tokenUrl, String clientId, String clientSecret) {
        Map<String, String> values = new LinkedHashMap<>(vars);
        values.put("KEYCLOAK_TOKEN_URL", tokenUrl);
        values.put("MAIL_CLIENT_ID", clientId);
        values.put("MAIL_CLIENT_SECRET", clientSecret);
        try {
            Files.copy(TEMPLATES.resolve(SCRIPT), dir.resolve(SCRIPT), StandardCopyOption.REPLACE_EXISTING);
            Path template = line.authTemplate();
            // 2.4's auth part holds the secret, 2.3's settings file does: 0640 root:dovecot, as docs/DOVECOT.md says
            Path secretFile = line == Line.V2_4 ? dir.resolve("auth.conf") : dir.resolve(SETTINGS_23);
            Files.writeString(dir.resolve("auth.conf"), MailServers.render(Files.readString(template), values, template));
            if (line == Line.V2_3) {
                Path settingsTemplate = TEMPLATES.resolve(SETTINGS_23);
                Files.writeString(secretFile, MailServers.render(Files.readString(settingsTemplate), values, settingsTemplate));
            }
            restrict(secretFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Dovecot 2.3's built-in oauth2 passdb, the README's other choice for 2.3: the passdb and userdb of
     * {@code docker/mail/dovecot/dovecot.conf} with its settings file {@code dovecot-oauth2.conf.ext}, rendered.
     */
    public Dovecot builtInOauth2Passdb(String tokenUrl, String clientId, String clientSecret) {
        Path template = TEMPLATES.resolve("dovecot-oauth2.conf.ext");
        Map<String, String> values = Map.of("KEYCLOAK_TOKEN_URL", tokenUrl, "MAIL_CLIENT_ID", clientId,
                "MAIL_CLIENT_SECRET", clientSecret);
        try {
            String settings = write("dovecot-oauth2.conf.ext", MailServers.render(Files.readString(template), values, template));
            restrict(dir.resolve("dovecot-oauth2.conf.ext"));
            return authPart("""
                    auth_mechanisms = plain login
                    auth_username_format = %%Lu
                    auth_cache_size = 0
                    passdb {
                      driver = oauth2
                      mechanisms = plain login
                      args = %s
                    }
                    userdb {
                      driver = static
                      args = uid=%s gid=%s home=%s/%%Ln allow_all_users=yes
                    }
                    """.formatted(settings, vars.get("MAIL_UID"), vars.get("MAIL_GID"), vars.get("MAIL_ROOT")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Any other auth part (the benchmark's passwd-file passdb). */
    public Dovecot authPart(String conf) {
        write("auth.conf", conf);
        return this;
    }

    /** A file in the instance's directory; returns its path as Dovecot sees it. */
    public String write(String file, String content) {
        try {
            Files.writeString(dir.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inside + "/" + file;
    }

    /** One more line for the base config, e.g. {@code ssl_client_ca_file = ...}. */
    public Dovecot setting(String setting) {
        settings.add(setting);
        return this;
    }

    /** doveadm's HTTP API on 127.0.0.1 ({@link #doveadmUrl()}) with this key. */
    public Dovecot doveadmApi(String key) {
        return doveadmListener("doveadm_api_key", "doveadm-api-key", key, "http", doveadmPort);
    }

    /**
     * A doveadm listener on 127.0.0.1 and its secret, written to a file without a trailing newline
     * ({@code setting = <file} would keep one as part of the secret).
     */
    private Dovecot doveadmListener(String setting, String fileName, String secret, String listener, int port) {
        String file = write(fileName, secret);
        try {
            restrict(dir.resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return setting(setting + " = <" + file).setting("""
                service doveadm {
                  inet_listener %s {
                    port = %d
                    %s = 127.0.0.1
                  }
                }""".formatted(listener, port, line == Line.V2_4 ? "listen" : "address"));
    }

    /** The base URL Keycloak's policy setting {@code doveadmUrls} names. */
    public String doveadmUrl() {
        return "http://127.0.0.1:" + doveadmPort + "/doveadm/v1";
    }

    /**
     * Answers refusals and temporary failures at once: a test makes dozens of them, 2 s each by default (2.4
     * has a separate setting for temporary failures).
     */
    public Dovecot withoutFailureDelays() {
        setting("auth_failure_delay = 0");
        return line == Line.V2_4 ? setting("auth_internal_failure_delay = 0") : this;
    }

    /**
     * Copies the packaged configuration of this line's machine ({@code /etc/dovecot} of Debian 12 here, of the
     * Debian 13 root for 2.4) as it is into {@code etc/} of the instance, for tests of what admins do to a stock
     * Dovecot; {@link #start()} then runs it. What changes: a last {@code !include} of the harness's loopback
     * settings (ports, run and log directories, Maildir in the users' homes, an LMTP port), which a packaged
     * config sets for a real machine, and the test certificate in place of the package's snake-oil one.
     * Returns the copy on the host.
     */
    public Path copyStockConfig() {
        stockEtc = dir.resolve("etc");
        Commands.check(List.of("cp", "-a", root.resolve("etc/dovecot").toString(), stockEtc.toString()));
        // Debian 13 keeps INBOX in /var/mail (mbox); Maildir has it in the home
        String storage = storage() + (line == Line.V2_4 ? "mail_inbox_path =\n" : "");
        String lmtp = """
                service lmtp {
                  inet_listener lmtp {
                    port = %d
                  }
                }
                """.formatted(lmtpPort);
        write("harness.conf", storage + loopback() + lmtp + String.join("\n", settings) + "\n");
        try {
            Files.writeString(stockEtc.resolve("dovecot.conf"), "\n!include " + inside + "/harness.conf\n",
                    StandardOpenOption.APPEND);
            // the packages point at a snake-oil certificate that this machine's package install did not make;
            // 2.3 reads the file where the setting stands, so a later override comes too late
            Path ssl = stockEtc.resolve("conf.d/10-ssl.conf");
            Files.writeString(ssl, Files.readString(ssl).replace("/etc/dovecot/private/dovecot.pem", inside + "/cert.pem")
                    .replace("/etc/dovecot/private/dovecot.key", inside + "/key.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stockEtc;
    }

    /** The copied configuration directory as Dovecot (and a command run by {@link #exec}) sees it. */
    public String stockConfigInside() {
        return insidePath(stockEtc);
    }

    /** Runs a short command on this line's system: in the Debian 13 root for 2.4 (chroot), else here. */
    Commands.Result exec(String... command) {
        List<String> full = new ArrayList<>();
        if (line == Line.V2_4) {
            full.addAll(List.of("chroot", root.toString()));
        }
        full.addAll(List.of(command));
        return Commands.run(full);
    }

    public Dovecot start() {
        String conf = stockEtc != null ? insidePath(stockEtc.resolve("dovecot.conf")) : write("dovecot.conf",
                versions() + "protocols = imap submission\n" + tls() + storage() + loopback() + String.join("\n", settings)
                        + "\n!include " + inside + "/auth.conf\n");
        List<String> command = new ArrayList<>();
        if (line == Line.V2_4) {
            command.addAll(List.of("chroot", root.toString()));
        }
        command.addAll(List.of("dovecot", "-F", "-c", conf));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
        Local.awaitBanner(process, imapPort, "* OK", START_TIMEOUT, () -> line + ": " + diagnostics());
        return this;
    }

    /** Where the harness puts everything on loopback: listeners on free ports, run, state and log directories. */
    private String loopback() {
        return """
                listen = 127.0.0.1
                # MailWire logs in without TLS from any loopback address (one per login, against the per-IP
                # failure penalty); Dovecot secures only 127.0.0.1 itself otherwise
                login_trusted_networks = 127.0.0.0/8
                base_dir = %1$s/run
                state_dir = %1$s/state
                instance_name = %2$s
                log_path = %1$s/dovecot.log
                hostname = mail.example.com
                # why a login failed, in the kept log (never with the password: auth_verbose_passwords stays no)
                auth_verbose = yes
                submission_relay_host = 127.0.0.1
                submission_relay_port = %3$d
                service imap-login {
                  inet_listener imap {
                    port = %4$d
                  }
                  inet_listener imaps {
                    port = 0
                  }
                }
                service submission-login {
                  inet_listener submission {
                    port = %5$d
                  }
                  inet_listener submissions {
                    port = 0
                  }
                }
                # what Postfix's smtpd_sasl_type = dovecot talks to
                service auth {
                  inet_listener auth-postfix {
                    port = %6$d
                  }
                }
                """.formatted(inside, dir.getFileName(), Local.freePort(), imapPort, submissionPort, authPort);
    }

    private String tls() {
        return line == Line.V2_4 ? """
                ssl = yes
                ssl_server_cert_file = %1$s/cert.pem
                ssl_server_key_file = %1$s/key.pem
                """.formatted(inside) : """
                ssl = yes
                ssl_cert = <%1$s/cert.pem
                ssl_key = <%1$s/key.pem
                """.formatted(inside);
    }

    /** 2.4 wants these first in dovecot.conf. */
    private String versions() {
        return line == Line.V2_4 ? """
                dovecot_config_version = 2.4.1
                dovecot_storage_version = 2.4.1
                """ : "";
    }

    private String storage() {
        return line == Line.V2_4 ? """
                mail_driver = maildir
                mail_path = ~/Maildir
                """ : "mail_location = maildir:~/Maildir\n";
    }

    public Line line() {
        return line;
    }

    public int imapPort() {
        return imapPort;
    }

    public int submissionPort() {
        return submissionPort;
    }

    /** LMTP on TCP (a copied stock configuration only), as Postfix delivers. */
    public int lmtpPort() {
        return lmtpPort;
    }

    /** Dovecot's auth protocol on TCP, as Postfix uses it for SMTP AUTH. */
    public int authPort() {
        return authPort;
    }

    /** The instance's self-signed certificate (PEM) on the host. */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    /** A path on the host as Dovecot sees it (2.4 runs in its root). */
    public String insidePath(Path hostFile) {
        return "/" + root.relativize(hostFile.toAbsolutePath());
    }

    /** A directory on the host whose files this Dovecot can read. */
    public Path dir() {
        return dir;
    }

    /** The messages in {@code user}'s Maildir under {@code home/} of the instance (a {@link SystemAccount}'s). */
    public List<String> maildir(String user) throws IOException {
        List<String> mails = new ArrayList<>();
        // every folder's new/ and cur/: where INBOX lies differs between the lines' Maildir layouts
        try (var files = Files.walk(dir.resolve("home").resolve(user))) {
            for (Path mail : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(f -> List.of("new", "cur").contains(f.getParent().getFileName().toString()))::iterator) {
                mails.add(Files.readString(mail, StandardCharsets.ISO_8859_1));
            }
        }
        return mails;
    }

    public String log() {
        return Local.log(dir.resolve("dovecot.log"));
    }

    @Override
    public void close() {
        stop();
        try {
            Path logs = Files.createDirectories(Path.of("target", "mail-logs"));
            String prefix = "dovecot-" + line.version + "-" + name;
            for (String file : List.of("dovecot.log", "dovecot.out")) {
                if (Files.exists(dir.resolve(file))) {
                    Files.copy(dir.resolve(file), logs.resolve(prefix + file.substring("dovecot".length())),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Local.deleteTree(dir);
        } catch (IOException e) {
            System.err.println("cleaning up " + dir + ": " + e);
        }
    }

    /** Stops and starts again, as an admin applies a changed configuration. */
    public Dovecot restart() {
        stop();
        return start();
    }

    /** SIGTERM to the master (it stops its children), SIGKILL to whatever is left after 15 s. */
    private synchronized void stop() {
        if (process != null) {
            Local.stopTree(process);
            process = null;
        }
    }

    private String diagnostics() {
        try {
            Path out = dir.resolve("dovecot.out");
            return Local.tail(dir.resolve("dovecot.log"), 30) + "\n" + (Files.exists(out) ? Files.readString(out) : "");
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** 0640, owner root, group dovecot of the system Dovecot runs in. */
    private void restrict(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        String gid = Files.readAllLines(root.resolve("etc/group")).stream().filter(l -> l.startsWith("dovecot:"))
                .map(l -> l.split(":")[2]).findFirst().orElseThrow(() -> new IllegalStateException("no group dovecot in " + root));
        // by number: the root's group database is not the host's
        Commands.check(List.of("chown", "0:" + gid, file.toString()));
    }

    // Live revocation with the auth cache (LiveRevocationIT)

    private final int doveadmTcpPort = Local.freePort();

    /** doveadm's own TCP protocol on 127.0.0.1 ({@link #doveadmTcpUrl()}), with this {@code doveadm_password}. */
    public Dovecot doveadmTcp(String password) {
        return doveadmListener("doveadm_password", "doveadm-password", password, "doveadm", doveadmTcpPort);
    }

    /** What Keycloak's policy setting {@code doveadmUrls} names for {@link #doveadmTcp}. */
    public String doveadmTcpUrl() {
        return "doveadm://127.0.0.1:" + doveadmTcpPort;
    }

    /** The shipped {@code auth-cache.conf}, included after the auth part of {@link #keycloakPassdb}. */
    public Dovecot authCache() {
        try {
            Files.copy(TEMPLATES.resolve("auth-cache.conf"), dir.resolve("auth-cache.conf"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("auth.conf"), "\n!include " + inside + "/auth-cache.conf\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    // A hung server (LiveRevocationJourneysIT)

    /**
     * Stops the master and every process under it ({@code SIGSTOP}), as a hung server: the kernel still accepts
     * connections to its listeners, but nothing answers and no session ends until {@link #thaw()}.
     */
    public synchronized void freeze() {
        signal("-STOP", List.of(process.toHandle())); // the master first: it forks no new child while stopped
        signal("-STOP", process.descendants().toList());
    }

    /** Lets a {@link #freeze() frozen} Dovecot run on ({@code SIGCONT}), its children before the master. */
    public synchronized void thaw() {
        signal("-CONT", process.descendants().toList());
        signal("-CONT", List.of(process.toHandle()));
    }

    private static void signal(String signal, List<ProcessHandle> processes) {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        processes.forEach(p -> command.add(String.valueOf(p.pid())));
        Commands.run(command); // non-zero if one exited meanwhile: the others are signalled all the same
    }
}
