package io.apppasswords.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The test-side TOTP generator against RFC 6238 Appendix B (SHA-1 vectors). */
class TotpTest {

    private final Totp rfc = new Totp("12345678901234567890", 8, 30, "HmacSHA1");

    @Test
    void rfc6238Vectors() {
        assertEquals("94287082", rfc.at(59L));
        assertEquals("07081804", rfc.at(1111111109L));
        assertEquals("14050471", rfc.at(1111111111L));
        assertEquals("89005924", rfc.at(1234567890L));
        assertEquals("69279037", rfc.at(2000000000L));
        assertEquals("65353130", rfc.at(20000000000L));
    }

    @Test
    void base32OfTheRawSecret() {
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", rfc.base32Secret());
    }

    @Test
    void freshNeverRepeats() {
        Totp totp = new Totp("x", 6, 30, "HmacSHA1");
        assertNotEquals(totp.fresh(), totp.fresh());
    }
}
