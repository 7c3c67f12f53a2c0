package io.apppasswords.keycloak.credential;

import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppPasswordNameTest {

    @Test
    void namesAreTrimmed() {
        assertEquals("Thunderbird", AppPasswordName.clean("  Thunderbird \t"));
        assertNull(AppPasswordName.clean(null));
    }

    @Test
    void lengthIsOneToSixtyFourCharacters() {
        assertEquals(AppPasswordError.NAME_MISSING, AppPasswordName.validate(null));
        assertEquals(AppPasswordError.NAME_MISSING, AppPasswordName.validate(AppPasswordName.clean("   ")));
        assertNull(AppPasswordName.validate("x"));
        assertNull(AppPasswordName.validate("x".repeat(64)));
        assertNull(AppPasswordName.validate("ü".repeat(64)), "characters, not bytes");
        assertNull(AppPasswordName.validate("\uD83D\uDCE7".repeat(64)), "code points, not UTF-16 units");
        assertEquals(AppPasswordError.NAME_TOO_LONG, AppPasswordName.validate("x".repeat(65)));
    }

    @Test
    void controlCharactersAreRefusedButMarkupIsJustText() {
        assertEquals(AppPasswordError.NAME_INVALID, AppPasswordName.validate("a\nb"));
        assertEquals(AppPasswordError.NAME_INVALID, AppPasswordName.validate("a\u0000b"));
        assertEquals(AppPasswordError.NAME_INVALID, AppPasswordName.validate("a\u202Eb"), "bidi override");
        assertNull(AppPasswordName.validate("<script>alert(1)</script>"));
        assertNull(AppPasswordName.validate("'; DROP TABLE credential; --"));
        assertNull(AppPasswordName.validate("iPhone Mail (Anna)"));
    }

    @Test
    void uniquenessIgnoresCase() {
        assertTrue(AppPasswordName.isTaken("thunderbird", Stream.of("Phone", "Thunderbird")));
        assertFalse(AppPasswordName.isTaken("Thunderbird 2", Stream.of("Thunderbird")));
        assertFalse(AppPasswordName.isTaken("x", Stream.of((String) null)));
    }
}
