package io.apppasswords.keycloak.lifecycle;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DecimalStyle;
import java.time.format.FormatStyle;
import java.util.Locale;

/**
 * A point in time as people read it, in their language: the style of the account console's own
 * "Created November 25, 2026 at 3:05 PM" (a long date and a short time, Intl's {@code dateStyle: "long",
 * timeStyle: "short"}), in UTC and saying so, because the server does not know the reader's time zone.
 * Digits are the locale's own, as the browser writes them.
 */
public final class DisplayTime {

    /** How the zone is named after the time; the same in every language, like the ISO form in the admin console. */
    static final String ZONE = "UTC";

    private DisplayTime() {
    }

    public static String format(long epochMillis, Locale locale) {
        DateTimeFormatter format = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
                .withLocale(locale)
                .withDecimalStyle(DecimalStyle.of(locale))
                .withZone(ZoneOffset.UTC);
        return format.format(Instant.ofEpochMilli(epochMillis)) + " " + ZONE;
    }
}
