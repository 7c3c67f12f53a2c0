package io.apppasswords.keycloak.credential;

import org.keycloak.credential.CredentialModel;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Finds which stored app password a presented value is: the one place a login compares secrets.
 *
 * <p>One digest per call whatever the number of stored rows (also for input that cannot be an app password,
 * and for none stored), and every row is compared, so neither the time nor the result depends on where a
 * match sits. Rows in the form {@link #secretDataFor} writes are compared as bytes, so checking 100 app
 * passwords parses no JSON at all; a row in another layout (written by hand or by another version) is parsed.
 *
 * <p>The rows are the user's app passwords and the records of ended ones ({@link AppPasswordHistory}), which
 * hold the same digest as their app password: a live app password's row outranks its record.
 */
public final class AppPasswordMatcher {

    /** How every secretData this extension writes begins. */
    private static final String CANONICAL_PREFIX = "{\"digest\":\"";

    /** Digested when the input cannot be an app password, so every attempt costs the same. */
    private static final String DUMMY = "0".repeat(AppPasswordSecret.LENGTH);

    private AppPasswordMatcher() {
    }

    /** The stored row {@code input} is the secret of, if any; an app password's own row before its record. */
    public static Optional<CredentialModel> match(List<CredentialModel> stored, String input) {
        String normalised = AppPasswordSecret.normalise(input);
        byte[] candidate = AppPasswordSecret.digest(normalised == null ? DUMMY : normalised);
        byte[] candidateSecretData = secretDataFor(candidate);
        CredentialModel match = null;
        for (CredentialModel credential : stored) {
            if (holds(credential, candidate, candidateSecretData) && normalised != null
                    && (match == null || !AppPasswordCredentialModel.TYPE.equals(match.getType()))) {
                match = credential;
            }
        }
        return Optional.ofNullable(match);
    }

    /** The {@code secretData} this extension writes for {@code digest}. */
    static byte[] secretDataFor(byte[] digest) {
        try {
            return JsonSerialization.writeValueAsString(new AppPasswordSecretData(AppPasswordSecret.encode(digest)))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Constant time, so a response time never says how much of a digest matched. */
    private static boolean holds(CredentialModel stored, byte[] candidateDigest, byte[] candidateSecretData) {
        String secretData = stored.getSecretData();
        if (secretData == null) {
            return false;
        }
        if (secretData.startsWith(CANONICAL_PREFIX)) {
            return MessageDigest.isEqual(candidateSecretData, secretData.getBytes(StandardCharsets.UTF_8));
        }
        try {
            String digest = JsonSerialization.readValue(secretData, AppPasswordSecretData.class).getDigest();
            return digest != null && MessageDigest.isEqual(candidateDigest, AppPasswordSecret.decode(digest));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
