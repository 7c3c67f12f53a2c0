package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Small things every server of the harness needs on this machine: free ports, file trees, log tails, waiting
 * for a mail server's greeting and stopping a server with its children.
 */
public final class Local {

    private Local() {
    }

    /** A port nothing listens on right now (the harness never uses fixed ports). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    /** Deletes {@code dir} and everything below it; nothing to do if it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** The last {@code lines} lines of a log, for failure messages; never throws. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    /** A server's whole log, {@code ""} before it wrote one; ISO-8859-1, as mail servers log raw bytes. */
    static String log(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until the server on {@code port} greets with {@code banner} (IMAP "* OK", SMTP "220 "); fails with
     * {@code diagnostics} when the process dies first or {@code timeout} passes.
     */
    static void awaitBanner(Process process, int port, String banner, Duration timeout, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("exited with " + process.exitValue() + "; " + diagnostics.get());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(5000);
                byte[] buf = new byte[256];
                int n = s.getInputStream().read(buf);
                last = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
                if (last.startsWith(banner)) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            sleep(200);
        }
        throw new IllegalStateException("no '" + banner + "' on port " + port + " within " + timeout
                + " (last: " + last.strip() + "); " + diagnostics.get());
    }

    /** Waits until something accepts connections on {@code port}; fails as {@link #awaitBanner} does. */
    static void awaitPort(Process process, int port, Duration timeout, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("exited with " + process.exitValue() + "; " + diagnostics.get());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port + " after " + timeout + "; " + diagnostics.get());
    }

    /** SIGTERM to a server (which stops its own children), then SIGKILL to whatever is left after 15 s. */
    static void stopTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** A self-signed certificate for localhost and 127.0.0.1, valid two days, as PEM files. */
    static void selfSignedCertificate(Path key, Path cert) {
        Commands.check(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()));
    }
}
