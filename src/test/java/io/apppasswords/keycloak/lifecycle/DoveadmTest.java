package io.apppasswords.keycloak.lifecycle;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoveadmTest {

    @Test
    void dovecot23FlushesTheUserAndKicksItFromEachLastAddress() {
        Map<String, String> ended = new LinkedHashMap<>();
        ended.put("id-1", "192.0.2.10");
        ended.put("id-2", null); // never used
        ended.put("id-3", "192.0.2.10");
        assertEquals("[[\"authCacheFlush\",{\"user\":[\"alice\"]},\"flush\"],"
                        + "[\"kick\",{\"mask\":[\"alice\",\"192.0.2.10\"]},\"kick-0\"]]",
                Doveadm.endAppPasswords("alice", List.of("alice"), ended, false));
    }

    @Test
    void dovecot24OverHttpKicksByTheSessionFieldAndNeverFlushes() {
        Map<String, String> ended = new LinkedHashMap<>();
        ended.put("id-1", "192.0.2.10");
        assertEquals("[[\"kick\",{\"passdbField\":\"user_app_password_id\",\"mask\":[\"id-1\"]},\"kick-0\"]]",
                Doveadm.endAppPasswords("alice", List.of("alice"), ended, true));
        assertEquals("[[\"kick\",{\"mask\":[\"alice\"]},\"kick\"]]", Doveadm.endUser("alice", List.of("alice"), true));
        assertEquals("[[\"authCacheFlush\",{\"user\":[\"alice\",\"alice@example.com\"]},\"flush\"],"
                        + "[\"kick\",{\"mask\":[\"alice\"]},\"kick\"]]",
                Doveadm.endUser("alice", List.of("alice", "alice@example.com"), false));
    }

    @Test
    void theLineIsReadFromTheCommandList() {
        // trimmed answers of GET /doveadm/v1, Debian 12's 2.3.19 and Debian 13's 2.4.1
        String v23 = "[{\"command\":\"kick\",\"parameters\":[{\"name\":\"socketPath\",\"type\":\"string\"},"
                + "{\"name\":\"force\",\"type\":\"boolean\"},{\"name\":\"mask\",\"type\":\"array\"}]}]";
        String v24 = "[{\"command\":\"who\",\"parameters\":[{\"name\":\"passdbField\",\"type\":\"string\"}]},"
                + "{\"command\":\"kick\",\"parameters\":[{\"name\":\"socketPath\",\"type\":\"string\"},"
                + "{\"name\":\"passdbField\",\"type\":\"string\"},{\"name\":\"destHost\",\"type\":\"string\"},"
                + "{\"name\":\"mask\",\"type\":\"array\"}]}]";
        assertFalse(Doveadm.kickKnowsPassdbField(v23));
        assertTrue(Doveadm.kickKnowsPassdbField(v24));
    }

    @Test
    void aKickThatFindsNobodyIsNoFailure() {
        // as Debian 12's 2.3.19 answers
        assertNull(Doveadm.firstError("[[\"error\",{\"type\":\"exitCode\", \"exitCode\":68},\"kick-0\"],"
                + "[\"doveadmResponse\",[{\"entries\":\"0\"}],\"flush\"]]"));
        assertNull(Doveadm.firstError("[[\"doveadmResponse\",[{\"count\":\"0\"}],\"kick-0\"]]"));
        assertEquals("flush failed: {\"type\":\"exitCode\",\"exitCode\":75}",
                Doveadm.firstError("[[\"error\",{\"type\":\"exitCode\",\"exitCode\":75},\"flush\"]]"));
    }

    @Test
    void retriesBackOffForAtLeastTenMinutes() {
        assertEquals(Duration.ofSeconds(2), MailServerSessions.backoff(1));
        assertEquals(Duration.ofSeconds(4), MailServerSessions.backoff(2));
        assertEquals(MailServerSessions.LONGEST_WAIT, MailServerSessions.backoff(30));
        Duration total = Duration.ZERO;
        int attempts = 0;
        while (total.plus(MailServerSessions.backoff(attempts + 1)).compareTo(MailServerSessions.RETRY_FOR) < 0) {
            total = total.plus(MailServerSessions.backoff(++attempts));
        }
        assertTrue(total.compareTo(Duration.ofMinutes(10)) >= 0, total.toString());
        assertTrue(attempts < 20, "no retry storm: " + attempts + " attempts");
    }
}
