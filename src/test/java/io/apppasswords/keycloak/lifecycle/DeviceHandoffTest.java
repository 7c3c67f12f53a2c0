package io.apppasswords.keycloak.lifecycle;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DeviceHandoffTest {

    private static final String ID = "AAECAwQFBgcICQoLDA0ODw"; // 16 bytes, base64url

    /** A key whose last character is 'A': its two unused bits are zero, and 'B', 'C', 'D' differ only there. */
    @Test
    void onlyTheCanonicalSpellingOfTheKeyOpensALink() {
        byte[] key = new byte[32];
        key[0] = 7;
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        assertEquals(43, text.length());
        assertEquals('A', text.charAt(42));
        assertArrayEquals(key, DeviceHandoff.key(ID + text));
        for (char twin : new char[] {'B', 'C', 'D'}) {
            String altered = ID + text.substring(0, 42) + twin;
            assertArrayEquals(key, Base64.getUrlDecoder().decode(altered.substring(22)), "the decoder alone accepts " + twin);
            assertNull(DeviceHandoff.key(altered), "altered to " + twin);
        }
    }

    @Test
    void malformedTokensCarryNoKey() {
        assertNull(DeviceHandoff.key(null));
        assertNull(DeviceHandoff.key(ID));
        assertNull(DeviceHandoff.key(ID + "A".repeat(44)));
        assertNull(DeviceHandoff.key(ID + "A".repeat(42) + "="));
        assertNull(DeviceHandoff.key(ID + "%".repeat(43)));
    }
}
