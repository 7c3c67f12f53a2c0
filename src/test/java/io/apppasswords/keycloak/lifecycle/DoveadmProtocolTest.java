package io.apppasswords.keycloak.lifecycle;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoveadmProtocolTest {

    @Test
    void theFlushComesFirstAndNamesEveryCacheKey() {
        Map<String, String> ended = new LinkedHashMap<>();
        ended.put("id-1", "192.0.2.10");
        ended.put("id-2", null); // never used
        ended.put("id-3", "192.0.2.10");
        List<String> keys = List.of("alice", "alice@example.com");
        assertEquals(List.of(List.of("auth", "cache", "flush", "--", "alice", "alice@example.com"),
                        List.of("kick", "-f", "user_app_password_id", "--", "id-1"),
                        List.of("kick", "-f", "user_app_password_id", "--", "id-2"),
                        List.of("kick", "-f", "user_app_password_id", "--", "id-3")),
                DoveadmProtocol.endAppPasswords("alice", keys, ended, true));
        assertEquals(List.of(List.of("auth", "cache", "flush", "--", "alice", "alice@example.com"),
                        List.of("kick", "--", "alice", "192.0.2.10")),
                DoveadmProtocol.endAppPasswords("alice", keys, ended, false));
        assertEquals(List.of(List.of("auth", "cache", "flush", "--", "alice"), List.of("kick", "--", "alice")),
                DoveadmProtocol.endUser("alice", List.of("alice")));
    }

    @Test
    void aCommandLineHasNoFlagsNoUserAndTabEscapedWords() {
        assertEquals("\t\tauth\tcache\tflush\t--\tal\u0001tice\u0001n\u00011",
                DoveadmProtocol.commandLine(List.of("auth", "cache", "flush", "--", "al\tice\n\u0001")));
    }

    @Test
    void aKickThatFindsNobodyIsNoFailureAFlushThatFailsIs() {
        List<String> kick = List.of("kick", "--", "alice");
        List<String> flush = List.of("auth", "cache", "flush", "--", "alice");
        assertTrue(DoveadmProtocol.succeeded(kick, new DoveadmProtocol.Reply("-NOTFOUND", "")));
        assertFalse(DoveadmProtocol.succeeded(flush, new DoveadmProtocol.Reply("-NOTFOUND", "")));
        assertFalse(DoveadmProtocol.succeeded(kick, new DoveadmProtocol.Reply("-TEMPFAIL", "")));
        assertTrue(DoveadmProtocol.succeeded(flush, new DoveadmProtocol.Reply("+", "")));
    }

    /**
     * A doveadm server for one connection, as Dovecot's client-connection-tcp.c answers: after each line it
     * reads, the next answer; what it read goes to {@code heard}.
     */
    private static URI serve(List<String> answers, List<String> heard) throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture.runAsync(() -> {
            try (listener; Socket s = listener.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                for (String answer : answers) {
                    heard.add(in.readLine());
                    out.write(answer.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                heard.add(e.toString());
            }
        });
        return URI.create("doveadm://127.0.0.1:" + listener.getLocalPort());
    }

    @Test
    void shakesHandsAuthenticatesAndReadsEachAnswer() throws IOException {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        URI server = serve(List.of("-\n", "+\n", "3 entries\n+\n", "\n-NOTFOUND\n"), heard);
        try (DoveadmProtocol c = DoveadmProtocol.open(server, "pw")) {
            DoveadmProtocol.Reply flushed = c.run(List.of("auth", "cache", "flush", "--", "alice"));
            assertTrue(flushed.ok());
            assertEquals("3 entries", flushed.output());
            DoveadmProtocol.Reply kicked = c.run(List.of("kick", "--", "alice"));
            assertEquals("NOTFOUND", kicked.error());
        }
        assertEquals("VERSION\tdoveadm-server\t1\t0", heard.get(0));
        assertEquals("PLAIN\t" + Base64.getEncoder().encodeToString("\0doveadm\0pw".getBytes(StandardCharsets.UTF_8)),
                heard.get(1));
        assertEquals("\t\tauth\tcache\tflush\t--\talice", heard.get(2));
    }

    @Test
    void aWrongPasswordIsRefused() throws IOException {
        URI server = serve(List.of("-\n", "-\n"), new ArrayList<>());
        assertThrows(DoveadmProtocol.Refused.class, () -> DoveadmProtocol.open(server, "wrong"));
    }

    @Test
    void theVersionSaysWhichLine() throws IOException {
        URI v24 = serve(List.of("VERSION\tdoveadm-client\t1\t3\n-\n"), new ArrayList<>());
        assertEquals(3, DoveadmProtocol.minorVersion(v24));
        URI v23 = serve(List.of("VERSION\tdoveadm-client\t1\t2\n-\n"), new ArrayList<>());
        assertTrue(DoveadmProtocol.minorVersion(v23) < DoveadmProtocol.MINOR_OF_2_4);
        URI other = serve(List.of("* OK IMAP ready\n"), new ArrayList<>());
        assertThrows(IOException.class, () -> DoveadmProtocol.minorVersion(other));
    }
}
