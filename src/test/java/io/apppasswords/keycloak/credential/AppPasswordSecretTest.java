package io.apppasswords.keycloak.credential;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppPasswordSecretTest {

    @Test
    void alphabetHas32DistinctSymbolsWithoutLookAlikes() {
        assertEquals(32, AppPasswordSecret.ALPHABET.chars().distinct().count());
        for (char c : "ilou".toCharArray()) {
            assertEquals(-1, AppPasswordSecret.ALPHABET.indexOf(c), "look-alike " + c);
        }
        // 24 symbols of 5 bits each
        assertTrue(AppPasswordSecret.LENGTH * (Math.log(AppPasswordSecret.ALPHABET.length()) / Math.log(2)) >= 120);
    }

    @Test
    void generatedSecretIsSixGroupsOfFour() {
        String secret = AppPasswordSecret.generate();
        assertTrue(secret.matches("([0-9a-hjkmnp-tv-z]{4}-){5}[0-9a-hjkmnp-tv-z]{4}"), secret);
        assertEquals(secret.replace("-", ""), AppPasswordSecret.normalise(secret));
    }

    @Test
    void generatedSecretsAreUniqueAndUseTheWholeAlphabet() {
        Set<String> seen = new HashSet<>();
        Map<Character, Integer> counts = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            String s = AppPasswordSecret.normalise(AppPasswordSecret.generate());
            assertTrue(seen.add(s), "duplicate secret");
            s.chars().forEach(c -> counts.merge((char) c, 1, Integer::sum));
        }
        assertEquals(32, counts.size());
        // 48,000 symbols: each should appear about 1,500 times; a broken generator lands far outside this
        counts.values().forEach(n -> assertTrue(n > 1200 && n < 1800, "skewed symbol count " + n));
    }

    @Test
    void normalisationAcceptsCaseSpacesDashesAndLookAlikes() {
        String canonical = "abcdefghjkmn0123456789pq";
        assertEquals(canonical, AppPasswordSecret.normalise("abcd-efgh-jkmn-0123-4567-89pq"));
        assertEquals(canonical, AppPasswordSecret.normalise("ABCD EFGH JKMN 0123 4567 89PQ"));
        assertEquals(canonical, AppPasswordSecret.normalise("  abcdefghjkmnO1234567 89pq "));
        assertEquals(canonical, AppPasswordSecret.normalise("abcd-efgh-jkmn-oI23-4567-89pq"));
        assertEquals(canonical, AppPasswordSecret.normalise("abcd-efgh-jkmn-0l23-4567-89pq"));
    }

    @Test
    void normalisationRefusesWhatCannotBeAnAppPassword() {
        assertNull(AppPasswordSecret.normalise(null));
        assertNull(AppPasswordSecret.normalise(""));
        assertNull(AppPasswordSecret.normalise("----"));
        assertNull(AppPasswordSecret.normalise("abcd-efgh-jkmn-0123-4567-89p"), "too short");
        assertNull(AppPasswordSecret.normalise("abcd-efgh-jkmn-0123-4567-89pqr"), "too long");
        assertNull(AppPasswordSecret.normalise("abcd-efgh-jkmn-0123-4567-89pu"), "u is not in the alphabet");
        assertNull(AppPasswordSecret.normalise("abcd-efgh-jkmn-0123-4567-89p\u0000"));
        assertNull(AppPasswordSecret.normalise("abcd-efgh-jkmn-0123-4567-89pä"));
        assertNull(AppPasswordSecret.normalise("a".repeat(1_000_000)));
    }

    @Test
    void digestIsStableAndDistinguishesOneCharacter() {
        byte[] a = AppPasswordSecret.digest("abcdefghjkmn0123456789pq");
        assertArrayEquals(a, AppPasswordSecret.digest("abcdefghjkmn0123456789pq"));
        assertEquals(32, a.length);
        byte[] b = AppPasswordSecret.digest("abcdefghjkmn0123456789pr");
        assertFalse(java.util.Arrays.equals(a, b));
        assertArrayEquals(a, AppPasswordSecret.decode(AppPasswordSecret.encode(a)));
    }
}
