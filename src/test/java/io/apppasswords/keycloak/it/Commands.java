package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The harness's one way to run a short command (curl, openssl, psql, the LDAP tools, wrk...): its output
 * (standard output and error together) and exit status, within a time limit. Servers that keep running are
 * started by their launchers instead ({@link Watchdog}).
 */
public final class Commands {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Commands() {
    }

    /** What a command printed and how it ended; status -1 when it ran out of time (it is then killed). */
    public record Result(int status, String output) {

        public boolean ok() {
            return status == 0;
        }
    }

    public static Result run(List<String> command) {
        return run(command, null, Map.of(), null, DEFAULT_TIMEOUT);
    }

    /** Runs {@code command} in {@code dir} (null: here) with {@code env} added and {@code stdin} (null: none). */
    public static Result run(List<String> command, Path dir, Map<String, String> env, String stdin, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().putAll(env);
        try {
            Process p = builder.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout + ": " + output);
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** {@link #run(List)}, failing with the output unless the command exits 0; returns the output. */
    public static String check(List<String> command) {
        return check(command, null, Map.of(), null, DEFAULT_TIMEOUT);
    }

    public static String check(List<String> command, Path dir, Map<String, String> env, String stdin, Duration timeout) {
        Result r = run(command, dir, env, stdin, timeout);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.status() + "): " + r.output());
        }
        return r.output();
    }
}
