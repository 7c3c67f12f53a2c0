package io.apppasswords.keycloak.lifecycle;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DisplayTimeTest {

    /** 2026-11-25 15:05:42 UTC, a Wednesday. */
    private static final long AT = Instant.parse("2026-11-25T15:05:42.123Z").toEpochMilli();

    /** Newer JDKs put a narrow no-break space before AM/PM (CLDR 42); both read the same. */
    private static String format(String tag) {
        return DisplayTime.format(AT, Locale.forLanguageTag(tag)).replace('\u202f', ' ');
    }

    @Test
    void englishReadsLikeTheAccountConsolesCreatedDateAndStatesTheZone() {
        assertTrue(format("en").matches("November 25, 2026(,| at) 3:05 PM UTC"), format("en"));
    }

    @Test
    void otherLanguagesUseTheirOwnWordsOrderAndClock() {
        assertTrue(format("de").matches("25\\. November 2026(,| um) 15:05 UTC"), format("de"));
        assertTrue(format("fr").matches("25 novembre 2026( à)? 15:05 UTC"), format("fr"));
        assertEquals("2026年11月25日 15:05 UTC", format("ja"));
        assertTrue(format("pl").contains("25 listopada 2026"), format("pl"));
    }

    @Test
    void arabicAndPersianUseTheirOwnDigits() {
        String arabic = format("ar");
        assertTrue(arabic.contains("٢٠٢٦") && arabic.contains("نوفمبر") && arabic.endsWith(" UTC"), arabic);
        String persian = format("fa");
        assertTrue(persian.contains("۲۰۲۶") && persian.endsWith(" UTC"), persian);
    }

    @Test
    void theTimeIsUtcWhateverTheServersZone() {
        java.util.TimeZone before = java.util.TimeZone.getDefault();
        try {
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Pacific/Kiritimati")); // UTC+14
            assertTrue(format("de").endsWith("15:05 UTC"), format("de"));
        } finally {
            java.util.TimeZone.setDefault(before);
        }
    }
}
