package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.policy.DirectoryPasswordTime.Kind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DirectoryPasswordTimeTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static void assertTime(String expected, String value) {
        DirectoryPasswordTime.Result r = DirectoryPasswordTime.parse(value);
        assertEquals(Kind.TIME, r.kind(), value);
        assertEquals(at(expected), r.epochMillis(), value);
    }

    private static void assertKind(Kind expected, String value) {
        assertEquals(expected, DirectoryPasswordTime.parse(value).kind(), String.valueOf(value));
    }

    /** As Debian's slapd 2.5 with the ppolicy overlay wrote it after an ldappasswd. */
    @Test
    void openLdapPwdChangedTime() {
        assertTime("2026-11-29T19:13:51Z", "20261129191351Z");
        assertTime("2024-01-15T09:30:00Z", " 20240115093000Z ");
    }

    @Test
    void otherGeneralizedTimeShapes() {
        assertTime("2024-01-15T09:30:00.123Z", "20240115093000.123Z");
        assertTime("2024-01-15T09:30:00.500Z", "20240115093000,5Z");
        assertTime("2024-01-15T09:30:00Z", "20240115103000+0100");
        assertTime("2024-01-15T09:30:00Z", "20240115043000-05");
        assertTime("2024-01-15T09:30:00Z", "202401150930Z");
        assertTime("2024-01-15T09:00:00Z", "2024011509Z");
        assertTime("2024-01-15T09:30:00Z", "2024011509.5Z"); // a fraction of the hour
    }

    /** pwdLastSet as AD returns it: the FILETIME of the change, in 100 ns ticks since 1601-01-01 UTC. */
    @Test
    void activeDirectoryPwdLastSet() {
        long ticksTo1970 = Duration.between(Instant.parse("1601-01-01T00:00:00Z"), Instant.EPOCH).toMillis() * 10_000;
        assertEquals(116_444_736_000_000_000L, ticksTo1970, "the well-known FILETIME of the Unix epoch");
        assertTime("1970-01-01T00:00:00Z", "116444736000000000");
        // w32tm /ntte 133497846000000000 -> 15.01.2024 09:30:00 (UTC)
        assertTime("2024-01-15T09:30:00Z", "133497846000000000");
        assertTime("2024-01-15T09:30:00.123Z", "133497846001234567"); // sub-millisecond ticks are dropped
        assertTime("9999-12-31T23:59:59.999Z", "2650467743999999999");
    }

    @Test
    void mustChangeAtNextLogonDatesNothing() {
        assertKind(Kind.PENDING, "0");
    }

    @Test
    void missingAndMalformedValuesAreToldApart() {
        assertKind(Kind.MISSING, null);
        assertKind(Kind.MISSING, "");
        assertKind(Kind.MISSING, "  ");
        assertKind(Kind.MALFORMED, "-1");
        assertKind(Kind.MALFORMED, "9223372036854775807"); // "never" in other AD attributes
        assertKind(Kind.MALFORMED, "99999999999999999999");
        assertKind(Kind.MALFORMED, "20240115093000"); // GeneralizedTime needs a zone
        assertKind(Kind.MALFORMED, "20241315093000Z");
        assertKind(Kind.MALFORMED, "20240115253000Z");
        assertKind(Kind.MALFORMED, "20240115093000+2500");
        assertKind(Kind.MALFORMED, "20240115093000+0160");
        assertKind(Kind.MALFORMED, "2024-01-15T09:30:00Z");
        assertKind(Kind.MALFORMED, "yesterday");
    }
}
