package io.apppasswords.keycloak.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Mail protocols on the wire, for inputs no mail library sends (CR/LF, NUL, 10 kB literals) and for the
 * benchmark's tight loop: IMAP LOGIN with literals, SMTP AUTH PLAIN, and Dovecot's auth protocol as Postfix
 * speaks it. Plain TCP on loopback, which Dovecot counts as secured. Each call returns the server's
 * verdict line, or {@code "closed: ..."} when the server hung up instead.
 */
public final class MailWire {

    private static final int TIMEOUT_MILLIS = 60_000;

    private MailWire() {
    }

    /** IMAP LOGIN with both arguments as synchronizing literals, from {@code localAddress}; then LOGOUT. */
    public static String imapLogin(int port, String localAddress, byte[] user, byte[] password) {
        try (Connection c = new Connection(port, localAddress)) {
            c.line(); // greeting
            c.send(bytes("a LOGIN {" + user.length + "}\r\n"));
            String go = c.line();
            if (!go.startsWith("+")) {
                return go;
            }
            c.send(concat(user, bytes(" {" + password.length + "}\r\n")));
            go = c.line();
            if (!go.startsWith("+")) {
                return go;
            }
            c.send(concat(password, bytes("\r\n")));
            String reply;
            do {
                reply = c.line();
            } while (reply.startsWith("* "));
            if (reply.startsWith("a OK")) {
                c.send(bytes("b LOGOUT\r\n"));
            }
            return reply;
        } catch (IOException e) {
            return "closed: " + e;
        }
    }

    public static String imapLogin(int port, String localAddress, String user, String password) {
        return imapLogin(port, localAddress, user.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    /** SMTP submission: EHLO, AUTH PLAIN (initial response), QUIT; returns the AUTH reply. */
    public static String smtpAuthPlain(int port, String localAddress, byte[] user, byte[] password) {
        try (Connection c = new Connection(port, localAddress)) {
            hello(c, "EHLO");
            c.send(bytes("AUTH PLAIN " + plain(user, password) + "\r\n"));
            String reply = c.line();
            c.send(bytes("QUIT\r\n"));
            return reply;
        } catch (IOException e) {
            return "closed: " + e;
        }
    }

    public static String smtpAuthPlain(int port, String localAddress, String user, String password) {
        return smtpAuthPlain(port, localAddress, user.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What Postfix does for SMTP AUTH with {@code smtpd_sasl_type = dovecot}: one PLAIN request on Dovecot's
     * auth socket for service {@code smtp}. Returns {@code OK ...} or {@code FAIL ...} ({@code temp} in it
     * makes Postfix answer 454 instead of 535).
     */
    public static String dovecotAuth(int port, String service, String clientIp, String user, String password) {
        try (Connection c = new Connection(port, null)) {
            c.send(bytes("VERSION\t1\t2\nCPID\t" + ProcessHandle.current().pid() + "\n"));
            String line;
            do {
                line = c.line();
            } while (!line.equals("DONE"));
            c.send(bytes("AUTH\t1\tPLAIN\tservice=" + service + "\tnologin\tsecured\tlip=127.0.0.1\trip=" + clientIp
                    + "\tresp=" + plain(user.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8)) + "\n"));
            return c.line().replace('\t', ' ');
        } catch (IOException e) {
            return "closed: " + e;
        }
    }

    /**
     * LMTP, as Postfix delivers to Dovecot: LHLO, one recipient, a short message with {@code subject}; returns
     * the first reply that is not 250 (the refusal) or the final one after the data.
     */
    public static String lmtpDeliver(int port, String recipient, String subject) {
        try (Connection c = new Connection(port, null)) {
            hello(c, "LHLO");
            String line;
            for (String command : List.of("MAIL FROM:<sender@example.com>", "RCPT TO:<" + recipient + ">", "DATA")) {
                c.send(bytes(command + "\r\n"));
                line = c.line();
                if (!line.startsWith("250") && !line.startsWith("354")) {
                    return line;
                }
            }
            c.send(bytes("From: sender@example.com\r\nTo: " + recipient + "\r\nSubject: " + subject
                    + "\r\n\r\nDelivered over LMTP.\r\n.\r\n"));
            String reply = c.line();
            c.send(bytes("QUIT\r\n"));
            return reply;
        } catch (IOException e) {
            return "closed: " + e;
        }
    }

    /** Reads the 220 greeting, says EHLO or LHLO and reads the server's capabilities. */
    private static void hello(Connection c, String verb) throws IOException {
        c.line();
        c.send(bytes(verb + " client.example.com\r\n"));
        while (c.line().startsWith("250-")) {
            // the capabilities are not needed
        }
    }

    private static String plain(byte[] user, byte[] password) {
        return Base64.getEncoder().encodeToString(concat(new byte[] {0}, concat(user, concat(new byte[] {0}, password))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** An IMAP session from {@code localAddress}, signed in and idling in INBOX, as a phone keeps one. */
    public static final class Idle implements AutoCloseable {
        private final Connection c;
        private int tag;

        private Idle(Connection c) {
            this.c = c;
        }

        /** Signs in (LOGIN), selects INBOX and starts IDLE; fails if any step is refused. */
        public static Idle start(int port, String localAddress, String user, String password) throws IOException {
            Idle idle = new Idle(new Connection(port, localAddress));
            idle.c.line(); // greeting
            idle.command("LOGIN \"" + user + "\" \"" + password + "\"");
            idle.command("SELECT INBOX");
            idle.c.send(bytes("i IDLE\r\n"));
            if (!idle.c.line().startsWith("+")) {
                throw new IOException("IDLE refused");
            }
            return idle;
        }

        /** Milliseconds until the server closed the connection, or -1 if it was still open after {@code maxMillis}. */
        public long closedWithin(long maxMillis) throws IOException {
            long start = System.nanoTime();
            long deadline = start + maxMillis * 1_000_000;
            try {
                while (true) {
                    // a socket timeout counts per read: an untagged update in between must not extend the wait
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        return -1;
                    }
                    c.socket.setSoTimeout((int) left);
                    c.line(); // untagged updates, or Dovecot's BYE
                }
            } catch (java.net.SocketTimeoutException e) {
                return -1;
            } catch (IOException closed) {
                return (System.nanoTime() - start) / 1_000_000;
            } finally {
                if (!c.socket.isClosed()) {
                    c.socket.setSoTimeout(TIMEOUT_MILLIS);
                }
            }
        }

        /** Leaves IDLE, sends NOOP and idles again: whether the session still answers. */
        public boolean alive() {
            try {
                c.send(bytes("DONE\r\n"));
                String done;
                do {
                    done = c.line();
                } while (done.startsWith("* "));
                command("NOOP");
                c.send(bytes("i IDLE\r\n"));
                return c.line().startsWith("+");
            } catch (IOException e) {
                return false;
            }
        }

        private void command(String command) throws IOException {
            String t = "c" + ++tag;
            c.send(bytes(t + " " + command + "\r\n"));
            String reply;
            do {
                reply = c.line();
            } while (reply.startsWith("* "));
            if (!reply.startsWith(t + " OK")) {
                throw new IOException(command.split(" ")[0] + ": " + reply);
            }
        }

        @Override
        public void close() {
            c.close();
        }
    }

    private static final class Connection implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;
        private final OutputStream out;

        Connection(int port, String localAddress) throws IOException {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(byte[] data) throws IOException {
            out.write(data);
            out.flush();
        }

        /** One line without its CR LF; an IOException when the server closed the connection first. */
        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("connection closed after '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
                }
                line.write(b);
            }
            return line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
