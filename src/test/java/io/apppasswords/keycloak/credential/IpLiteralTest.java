package io.apppasswords.keycloak.credential;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class IpLiteralTest {

    @Test
    void acceptsIpLiterals() {
        assertEquals("203.0.113.7", IpLiteral.parse(" 203.0.113.7 "));
        assertEquals("0.0.0.0", IpLiteral.parse("0.0.0.0"));
        assertEquals("2001:db8:0:0:0:0:0:1", IpLiteral.parse("2001:db8::1"));
        assertEquals("0:0:0:0:0:0:0:1", IpLiteral.parse("::1"));
    }

    @Test
    void dropsThePortDovecotAppends() {
        assertEquals("203.0.113.7", IpLiteral.parse("203.0.113.7:51234"));
        assertEquals("2001:db8:0:0:0:0:0:7", IpLiteral.parse("[2001:db8::7]:51234"));
        assertNull(IpLiteral.parse("example.com:143"));
        assertNull(IpLiteral.parse("203.0.113.7:"));
        assertNull(IpLiteral.parse("203.0.113.7:123456"));
        assertNull(IpLiteral.parse("[example.com]:143"));
        assertNull(IpLiteral.parse("[203.0.113.7:143"));
    }

    @Test
    void refusesEverythingElseWithoutLookingItUp() {
        assertNull(IpLiteral.parse(null));
        assertNull(IpLiteral.parse(""));
        assertNull(IpLiteral.parse("example.com"));
        assertNull(IpLiteral.parse("cafe"), "hex letters alone would be a host name");
        assertNull(IpLiteral.parse("256.1.1.1"));
        assertNull(IpLiteral.parse("1.2.3"));
        assertNull(IpLiteral.parse("01.2.3.4"));
        assertNull(IpLiteral.parse("1.2.3.4, 5.6.7.8"));
        assertNull(IpLiteral.parse("2001:db8::1::2"));
        assertNull(IpLiteral.parse("fe80::1%eth0"));
        assertNull(IpLiteral.parse("[::1]"));
    }
}
