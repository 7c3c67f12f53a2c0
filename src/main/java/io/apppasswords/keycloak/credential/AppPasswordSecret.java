package io.apppasswords.keycloak.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret itself: generation, the display format, normalisation of what a user typed, and the digest
 * that is stored instead of the value.
 *
 * <p>24 characters from Crockford's base32 alphabet (no i, l, o, u) give exactly 120 bits. Input is
 * forgiving the way Crockford specifies it: case-insensitive, separators ignored, {@code o} read as
 * {@code 0} and {@code i}/{@code l} read as {@code 1}.
 */
public final class AppPasswordSecret {

    public static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    public static final int LENGTH = 24;
    public static final int GROUP = 4;
    public static final String DIGEST_ALGORITHM = "SHA-256";

    /** Anything longer cannot be a formatted secret; refusing it early keeps hostile input cheap. */
    static final int MAX_INPUT_LENGTH = 128;

    private static final SecureRandom RANDOM = new SecureRandom();

    private AppPasswordSecret() {
    }

    /** A new random secret, formatted for display ({@code abcd-efgh-...}). */
    public static String generate() {
        char[] raw = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            raw[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return format(new String(raw));
    }

    /** Groups a normalised secret in fours, joined by dashes. */
    public static String format(String normalised) {
        StringBuilder out = new StringBuilder(normalised.length() + normalised.length() / GROUP);
        for (int i = 0; i < normalised.length(); i++) {
            if (i > 0 && i % GROUP == 0) {
                out.append('-');
            }
            out.append(normalised.charAt(i));
        }
        return out.toString();
    }

    /**
     * The canonical form of what a user typed, or {@code null} when it cannot be an app password at all
     * (wrong length or a character outside the alphabet).
     */
    public static String normalise(String input) {
        if (input == null || input.length() > MAX_INPUT_LENGTH) {
            return null;
        }
        StringBuilder out = new StringBuilder(LENGTH);
        for (int i = 0; i < input.length(); i++) {
            char c = Character.toLowerCase(input.charAt(i));
            if (c == '-' || c == ' ' || c == '\t') {
                continue;
            }
            switch (c) {
                case 'o' -> c = '0';
                case 'i', 'l' -> c = '1';
                default -> { }
            }
            if (ALPHABET.indexOf(c) < 0 || out.length() == LENGTH) {
                return null;
            }
            out.append(c);
        }
        return out.length() == LENGTH ? out.toString() : null;
    }

    /**
     * The stored form. A fast digest is the right tool for a 120-bit random secret (no dictionary to
     * attack, nothing for a salt or a slow KDF to protect), and it keeps a mail login cheap.
     */
    public static byte[] digest(String normalised) {
        try {
            return MessageDigest.getInstance(DIGEST_ALGORITHM).digest(normalised.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    public static String encode(byte[] digest) {
        return Base64.getEncoder().encodeToString(digest);
    }

    public static byte[] decode(String encoded) {
        return Base64.getDecoder().decode(encoded);
    }
}
