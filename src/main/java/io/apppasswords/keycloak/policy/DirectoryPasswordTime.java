package io.apppasswords.keycloak.policy;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a directory last changed a user's password, read from the value of a user attribute that an LDAP
 * mapper copies from the directory. Pure.
 *
 * <ul>
 *   <li>OpenLDAP's {@code pwdChangedTime} (ppolicy overlay) and other directories' operational attributes:
 *       LDAP GeneralizedTime (RFC 4517), e.g. {@code 20240115093000Z}, {@code 20240115093000.123Z},
 *       {@code 20240115103000+0100}.</li>
 *   <li>Active Directory's {@code pwdLastSet}: a Windows FILETIME, 100-nanosecond intervals since
 *       1601-01-01 UTC, written as a decimal integer; {@code 0} means "must change at next logon", which says
 *       nothing about when the password was set.</li>
 * </ul>
 */
public final class DirectoryPasswordTime {

    /** What a value says. */
    public enum Kind {
        /** A time: {@link Result#epochMillis()}. */
        TIME,
        /** No value (the directory has not recorded a change, or the mapper is missing). */
        MISSING,
        /** AD's {@code pwdLastSet = 0}: a change is pending; no time to compare. */
        PENDING,
        /** Neither format. */
        MALFORMED
    }

    public record Result(Kind kind, long epochMillis) {
        static final Result MISSING = new Result(Kind.MISSING, 0);
        static final Result PENDING = new Result(Kind.PENDING, 0);
        static final Result MALFORMED = new Result(Kind.MALFORMED, 0);
    }

    /** Milliseconds from 1601-01-01 to 1970-01-01 (UTC). */
    static final long FILETIME_EPOCH_OFFSET_MILLIS = 11_644_473_600_000L;
    /**
     * FILETIMEs outside 1970 to 9999 are no password date (and a zone-less GeneralizedTime, digits only,
     * would otherwise pass for a day in 1601).
     */
    private static final long FILETIME_MIN = 116_444_736_000_000_000L;
    private static final long FILETIME_MAX = 2_650_467_743_999_999_999L;

    /** yyyyMMddHH[mm[ss]][(.|,)fraction](Z|±hh[mm]) */
    private static final Pattern GENERALIZED = Pattern.compile(
            "(\\d{4})(\\d{2})(\\d{2})(\\d{2})(?:(\\d{2})(\\d{2})?)?(?:[.,](\\d{1,9}))?(Z|[+-]\\d{2}(?:\\d{2})?)");
    private static final Pattern FILETIME = Pattern.compile("\\d{1,19}");

    private DirectoryPasswordTime() {
    }

    public static Result parse(String value) {
        if (value == null || value.isBlank()) {
            return Result.MISSING;
        }
        String v = value.strip();
        if (FILETIME.matcher(v).matches()) {
            return fileTime(v);
        }
        Matcher m = GENERALIZED.matcher(v);
        return m.matches() ? generalized(m) : Result.MALFORMED;
    }

    private static Result fileTime(String v) {
        long ticks;
        try {
            ticks = Long.parseLong(v);
        } catch (NumberFormatException tooLarge) {
            return Result.MALFORMED;
        }
        if (ticks == 0) {
            return Result.PENDING;
        }
        if (ticks < FILETIME_MIN || ticks > FILETIME_MAX) {
            return Result.MALFORMED;
        }
        return new Result(Kind.TIME, ticks / 10_000 - FILETIME_EPOCH_OFFSET_MILLIS);
    }

    private static Result generalized(Matcher m) {
        try {
            int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
            int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
            LocalDateTime time = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), minute, second);
            long millis = time.toInstant(offset(m.group(8))).toEpochMilli();
            if (m.group(7) != null) {
                // the fraction belongs to the last unit given: seconds, else minutes, else hours
                long unit = m.group(6) != null ? 1_000L : m.group(5) != null ? 60_000L : 3_600_000L;
                millis += (long) (Double.parseDouble("0." + m.group(7)) * unit);
            }
            return new Result(Kind.TIME, millis);
        } catch (DateTimeException e) {
            return Result.MALFORMED; // month 13, hour 25, offset +2400, ...
        }
    }

    private static ZoneOffset offset(String zone) {
        if (zone.equals("Z")) {
            return ZoneOffset.UTC;
        }
        int sign = zone.charAt(0) == '-' ? -1 : 1;
        int hours = Integer.parseInt(zone.substring(1, 3));
        int minutes = zone.length() > 3 ? Integer.parseInt(zone.substring(3, 5)) : 0;
        if (minutes > 59) {
            throw new DateTimeException("offset minutes");
        }
        return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }
}
