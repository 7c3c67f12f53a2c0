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

    private static org.keycloak.credential.CredentialModel stored(String type, String label) {
        org.keycloak.credential.CredentialModel c = new org.keycloak.credential.CredentialModel();
        c.setType(type);
        c.setUserLabel(label);
        return c;
    }

    @Test
    void aNameClashesWithAnyLabelAndSaysWithWhat() {
        var otp = stored("otp", "Phone");
        var key = stored("webauthn", "YubiKey");
        var app = stored(AppPasswordCredentialModel.TYPE, "Laptop");
        var password = stored("password", null);
        assertNull(AppPasswordName.clash("Tablet", Stream.of(otp, key, app, password)));
        assertEquals(AppPasswordError.NAME_DUPLICATE, AppPasswordName.clash("laptop", Stream.of(otp, key, app)));
        assertEquals(AppPasswordError.NAME_USED_BY_OTHER_CREDENTIAL, AppPasswordName.clash("PHONE", Stream.of(otp, app)));
        assertEquals(AppPasswordError.NAME_USED_BY_OTHER_CREDENTIAL, AppPasswordName.clash("yubikey", Stream.of(key)));
        var appPhone = stored(AppPasswordCredentialModel.TYPE, "Phone");
        assertEquals(AppPasswordError.NAME_DUPLICATE, AppPasswordName.clash("Phone", Stream.of(otp, appPhone)),
                "another app password is the clash the user can fix on the same page");
    }
}
