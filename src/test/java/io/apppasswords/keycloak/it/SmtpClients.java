package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real SMTP submission clients as a mail app's user would run them, on 127.0.0.1 with STARTTLS required:
 * swaks (prints the dialogue), msmtp (prints the server's message; exits 77 EX_NOPERM for any refused AUTH,
 * a 454 too) and curl (exit 67 CURLE_LOGIN_DENIED for any refused AUTH). Each connects from the loopback address {@code from} (a
 * fresh one per login keeps Dovecot's per-address failure penalty away), sends one small message, so AUTH is
 * the step that decides, and returns the exit code with everything the client printed.
 */
public final class SmtpClients {

    /** What a client printed and how it exited. */
    public record Result(String client, int exit, String output) {
        @Override
        public String toString() {
            return client + " exited " + exit + ":\n" + output;
        }
    }

    private static final String ADDRESS = "someone@example.com";

    private SmtpClients() {
    }

    /** swaks checks no certificate; it prints the dialogue, server lines of a failure marked {@code <~*}. */
    public static Result swaks(int port, String from, String user, String password) {
        return run("swaks", List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(port),
                "--local-interface", from, "--tls",
                "--auth", "PLAIN", "--auth-user", user, "--auth-password", password, "--from", ADDRESS, "--to", ADDRESS,
                "--timeout", "60", "--quit-after", "AUTH"), null);
    }

    /** msmtp with a config file (the password stays off the command line), trusting {@code ca}. */
    public static Result msmtp(int port, Path ca, String from, String user, String password) {
        try {
            Path config = Files.createTempFile("msmtprc", "");
            try {
                Files.writeString(config, String.join("\n", "account default", "host 127.0.0.1", "port " + port,
                        "source_ip " + from, "tls on", "tls_starttls on", "tls_trust_file " + ca, "auth plain", "user " + user,
                        "password " + password, "from " + ADDRESS, "timeout 60", ""));
                Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
                return run("msmtp", List.of("msmtp", "-C", config.toString(), ADDRESS),
                        "Subject: app password\r\n\r\nsent by msmtp\r\n");
            } finally {
                Files.deleteIfExists(config);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Result curl(int port, Path ca, String from, String user, String password) {
        return run("curl", List.of("curl", "-v", "-sS", "--interface", from, "--ssl-reqd", "--cacert", ca.toString(), "--max-time", "60",
                "-u", user + ":" + password, "--mail-from", ADDRESS, "--mail-rcpt", ADDRESS, "-T", "-",
                "smtp://127.0.0.1:" + port), "Subject: app password\r\n\r\nsent by curl\r\n");
    }

    private static Result run(String client, List<String> command, String input) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(client + " did not finish:\n" + output);
            }
            return new Result(client, p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(client, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
