package io.apppasswords.keycloak.rest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The user name and password of an {@code Authorization: Basic} header (RFC 7617), read as UTF-8 as the
 * {@code charset="UTF-8"} of our challenge asks. Anything malformed is no credential at all: no scheme, another
 * scheme, bad Base64, bytes that are not UTF-8, no colon, an empty user name.
 */
record BasicCredentials(String username, String password) {

    private static final String SCHEME = "basic";

    /** The credentials in {@code header}, or {@code null} if it holds none that can be read. */
    static BasicCredentials parse(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return null;
        }
        String decoded;
        try {
            byte[] bytes = Base64.getDecoder().decode(value.substring(space + 1).strip());
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        return new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** Never the password: records print their fields. */
    @Override
    public String toString() {
        return "BasicCredentials[username=" + username + "]";
    }
}
