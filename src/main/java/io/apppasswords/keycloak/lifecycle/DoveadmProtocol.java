package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.policy.DoveadmSettings;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A connection to a Dovecot doveadm server over doveadm's own TCP protocol ({@code doveadm://host:port}: a
 * {@code service doveadm} inet listener that is not the HTTP one, authenticated with {@code doveadm_password}).
 * Needed because Dovecot 2.4.1's HTTP API crashes on a per-user {@code authCacheFlush}, while the same command
 * on this protocol works. Protocol version 1.0 (what Dovecot's protocol documentation advises for external
 * clients): {@code VERSION doveadm-server 1 0}, the server answers {@code -} (authenticate), {@code PLAIN} with
 * base64 of {@code \0doveadm\0<password>}, {@code +}; then one tab-separated line per command,
 * {@code <flags> <user> <command words> <arguments>}, answered by its output (one line, its values tab-escaped)
 * and a status line: {@code +}, or {@code -} with an exit code name such as {@code TEMPFAIL}.
 */
final class DoveadmProtocol implements Closeable {

    static final String SCHEME = DoveadmSettings.DOVEADM_SCHEME;
    /**
     * The first protocol minor version of Dovecot 2.4 (2.3.19 speaks 1.2), whose {@code kick} takes
     * {@code -f <userdb field>}; a server names its minor version only to a client that asks for 1.1 or later.
     */
    static final int MINOR_OF_2_4 = 3;
    /**
     * doveadm's exit code 68 (sysexits' EX_NOHOST) by its protocol name: 2.3's {@code kick} found no session,
     * which is no failure (2.4.1 answers {@code +}).
     */
    static final String NO_SESSION = "NOTFOUND";
    static final String TEMPORARY = "TEMPFAIL";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private DoveadmProtocol(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /** What the server answered to one command. */
    record Reply(String status, String output) {
        boolean ok() {
            return status.equals("+");
        }

        /** The exit code's name after {@code -} ({@code ""} if the server named none); {@code null} if ok. */
        String error() {
            return ok() ? null : status.startsWith("-") ? status.substring(1) : status;
        }
    }

    /** The server refused the password: a wrong or unset {@code doveadm_password}. */
    static final class Refused extends IOException {
        Refused() {
            super("the doveadm password is wrong (doveadmApiKey; Dovecot's doveadm_password)", null);
        }
    }

    /** Connects, shakes hands and authenticates as {@code doveadm} with this password. */
    static DoveadmProtocol open(URI server, String password) throws IOException {
        DoveadmProtocol c = new DoveadmProtocol(connect(server));
        try {
            c.send("VERSION\tdoveadm-server\t1\t0");
            String greeting = c.line();
            if (greeting.equals("-")) {
                String plain = "\0doveadm\0" + (password == null ? "" : password);
                c.send("PLAIN\t" + Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)));
                if (!c.line().equals("+")) {
                    throw new Refused();
                }
            } else if (!greeting.equals("+")) { // "+": pre-authenticated
                throw new IOException("not a doveadm server: it answered the handshake with something else");
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * The protocol minor version the server speaks, from a connection that only shakes hands: compare with
     * {@link #MINOR_OF_2_4}.
     */
    static int minorVersion(URI server) throws IOException {
        try (DoveadmProtocol c = new DoveadmProtocol(connect(server))) {
            c.send("VERSION\tdoveadm-server\t1\t1");
            String[] version = c.line().split("\t", -1);
            if (version.length != 4 || !version[0].equals("VERSION") || !version[1].equals("doveadm-client")
                    || !version[2].equals("1")) {
                throw new IOException("not a doveadm server: it answered the handshake with something else");
            }
            try {
                return Integer.parseInt(version[3]);
            } catch (NumberFormatException e) {
                throw new IOException("not a doveadm server: its protocol version is unreadable");
            }
        }
    }

    /**
     * The commands that end every session of the user: its auth-cache entries go first, so that a kicked device
     * that reconnects at once is asked for by Keycloak, not answered from the cache.
     *
     * @param cacheKeys the names the user's cache entries may be under (user name, e-mail)
     */
    static List<List<String>> endUser(String username, List<String> cacheKeys) {
        return List.of(flush(cacheKeys), List.of("kick", "--", username));
    }

    /**
     * The commands that end the sessions of some of the user's app passwords, after flushing its cache entries:
     * on 2.4 by the userdb field carrying the app password's id; on 2.3 the user's sessions from each address
     * they were last used from.
     *
     * @param appPasswords id to the address it was last used from ({@code null}: never used)
     */
    static List<List<String>> endAppPasswords(String username, List<String> cacheKeys,
                                              Map<String, String> appPasswords, boolean dovecot24) {
        List<List<String>> commands = new ArrayList<>();
        commands.add(flush(cacheKeys));
        if (dovecot24) {
            appPasswords.keySet().forEach(id -> commands.add(List.of("kick", "-f", MailServerSessions.SESSION_FIELD, "--", id)));
        } else {
            new LinkedHashSet<>(appPasswords.values()).stream().filter(Objects::nonNull)
                    .forEach(ip -> commands.add(List.of("kick", "--", username, ip)));
        }
        return commands;
    }

    /** Whether a command's answer is a success: a kick that found no session is one. */
    static boolean succeeded(List<String> command, Reply reply) {
        return reply.ok() || command.get(0).equals("kick") && NO_SESSION.equals(reply.error());
    }

    private static List<String> flush(List<String> cacheKeys) {
        List<String> command = new ArrayList<>(List.of("auth", "cache", "flush", "--"));
        command.addAll(cacheKeys);
        return command;
    }

    /** Runs one command, e.g. {@code run(List.of("auth", "cache", "flush", "--", "alice"))}, as no user. */
    Reply run(List<String> words) throws IOException {
        send(commandLine(words));
        String output = line();
        return new Reply(line(), output);
    }

    /** {@code <no flags> <no user> <words...>}, each tab-escaped as Dovecot's str_append_tabescaped does. */
    static String commandLine(List<String> words) {
        StringBuilder line = new StringBuilder("\t");
        for (String word : words) {
            line.append('\t').append(tabEscape(word));
        }
        return line.toString();
    }

    static String tabEscape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\u0001' -> escaped.append("\u00011");
                case '\0' -> escaped.append("\u00010");
                case '\t' -> escaped.append("\u0001t");
                case '\r' -> escaped.append("\u0001r");
                case '\n' -> escaped.append("\u0001n");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static Socket connect(URI server) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private String line() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new EOFException("the doveadm server closed the connection");
        }
        return line;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
