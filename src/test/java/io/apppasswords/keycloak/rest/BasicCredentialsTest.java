package io.apppasswords.keycloak.rest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class BasicCredentialsTest {

    private static String basic(byte[] userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass);
    }

    private static String basic(String userPass) {
        return basic(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsUserAndPasswordAsUtf8AndSplitsAtTheFirstColon() {
        assertEquals(new BasicCredentials("alice", "abcd-efgh"), BasicCredentials.parse(basic("alice:abcd-efgh")));
        assertEquals(new BasicCredentials("jürgen", "pa:ss"), BasicCredentials.parse(basic("jürgen:pa:ss")));
        assertEquals(new BasicCredentials("bob", ""), BasicCredentials.parse(basic("bob:")));
        assertEquals(new BasicCredentials("bob", "x"), BasicCredentials.parse("  bAsIc   " + basic("bob:x").substring(6) + " "));
    }

    @Test
    void anythingMalformedIsNoCredential() {
        for (String header : Arrays.asList(null, "", "Basic", "Basic ", "Bearer abc", "Basicx YWxpY2U6eA==", "Basic ###",
                "Basic YWxpY2U6eA==garbage", basic("no-colon"), basic(":password-without-user"),
                basic(new byte[]{'a', (byte) 0xc3, ':', 'b'}), basic(new byte[]{'a', ':', (byte) 0xff}))) {
            assertNull(BasicCredentials.parse(header), String.valueOf(header));
        }
    }

    @Test
    void itsTextNeverShowsThePassword() {
        assertFalse(BasicCredentials.parse(basic("alice:s3cret-value")).toString().contains("s3cret"));
    }

    @Test
    void headerHelpers() {
        assertEquals("Demo \\\"realm\\\" \\\\ x", ForwardAuthResource.quoted("Demo \"realm\" \\\n x"));
        assertEquals("198.51.100.23", ForwardAuthResource.lastEntry("203.0.113.9, 198.51.100.23"));
        assertEquals("198.51.100.23", ForwardAuthResource.lastEntry("198.51.100.23"));
        assertNull(ForwardAuthResource.lastEntry("203.0.113.9, "));
        assertNull(ForwardAuthResource.lastEntry(null));
        assertEquals("j\u00c3\u00bcrgen", ForwardAuthResource.headerValue("jürgen"), "UTF-8 bytes, one char each");
    }
}
