package io.apppasswords.keycloak.credential;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpNetworkTest {

    @Test
    void parsesCidrInCanonicalShortForm() {
        assertEquals("192.0.2.0/24", IpNetwork.parse(" 192.0.2.77/24 ").toString(), "host bits cleared");
        assertEquals("203.0.113.7/32", IpNetwork.parse("203.0.113.7").toString(), "an address is a network of one");
        assertEquals("2001:db8::/32", IpNetwork.parse("2001:0DB8:0:0::/32").toString());
        assertEquals("2001:db8:0:1::/64", IpNetwork.parse("2001:db8:0:1:ffff::/64").toString());
        assertEquals("2001:0:0:1::1/128", IpNetwork.parse("2001:0:0:1:0:0:0:1").toString(), "the longest zero run");
        assertEquals("::/0", IpNetwork.parse("::/0").toString());
        assertEquals("0.0.0.0/0", IpNetwork.parse("10.1.2.3/0").toString());
    }

    @Test
    void refusesWhatIsNoNetworkWithoutLookingNamesUp() {
        for (String bad : List.of("192.0.2.0/33", "2001:db8::/129", "example.com", "example.com/24", "192.0.2",
                "10.0.0.0/8/8", "256.1.1.1", "/24", "192.0.2.0/", "1:2:3:4:5:6:7:8:9", "")) {
            assertNull(IpNetwork.parse(bad), bad);
        }
        assertNull(IpNetwork.parse(null));
    }

    @Test
    void containsAddressesOfItsFamilyOnly() {
        List<String> networks = List.of("192.0.2.0/24", "2001:db8::/32");
        assertTrue(IpNetwork.anyContains(networks, "192.0.2.255"));
        assertTrue(IpNetwork.anyContains(networks, "2001:db8:ffff::1"));
        assertTrue(IpNetwork.anyContains(networks, "[2001:db8::1]:143"));
        assertTrue(IpNetwork.anyContains(networks, "::ffff:192.0.2.9"), "an IPv4-mapped address is its IPv4 address");
        assertFalse(IpNetwork.anyContains(networks, "192.0.3.0"));
        assertFalse(IpNetwork.anyContains(networks, "2001:db9::1"));
        assertFalse(IpNetwork.anyContains(networks, null));
        assertFalse(IpNetwork.anyContains(List.of("0.0.0.0/0"), "2001:db8::1"), "IPv4's everything is no IPv6");
    }

    @Test
    void checkAllCanonicalisesDropsDuplicatesAndNamesTheBadOne() {
        assertEquals(List.of("192.0.2.0/24", "2001:db8::/32"),
                IpNetwork.checkAll(List.of("192.0.2.1/24", " ", "2001:db8::/32", "192.0.2.0/24")));
        assertNull(IpNetwork.checkAll(List.of("", " ")));
        assertNull(IpNetwork.checkAll(null));
        AppPasswordException bad = assertThrows(AppPasswordException.class,
                () -> IpNetwork.checkAll(List.of("192.0.2.0/24", "nope/8")));
        assertEquals(AppPasswordError.NETWORK_INVALID, bad.getError());
        assertEquals("nope/8", bad.getParameters()[0]);
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= IpNetwork.MAX_PER_APP_PASSWORD; i++) {
            many.add("10.0." + i + ".0/24");
        }
        assertEquals(AppPasswordError.NETWORKS_TOO_MANY,
                assertThrows(AppPasswordException.class, () -> IpNetwork.checkAll(many)).getError());
    }
}
