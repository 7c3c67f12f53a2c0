package io.apppasswords.keycloak.lifecycle;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hands a new app password to a device for a few minutes after its creation, through two links: one on the
 * shown-once page (usable until it expires) and one in its QR code (usable once). The secret stays only in
 * Keycloak's cluster-wide single-use store, encrypted (AES-256-GCM) with a key that only the links carry:
 * a copy of the store alone reveals nothing. The first use of the QR link, and the end of the app password
 * ({@link AppPasswords}, {@link #drop}), remove it; the store forgets it when the links expire.
 *
 * <p>A link's token is an entry id (16 random bytes) followed by the key (32 random bytes), base64url: 65
 * characters, nothing else in the URL.
 */
public final class DeviceHandoff {

    /**
     * Where the links lead, under the realm: the self-service resource ({@code rest}'s
     * {@code AppPasswordResourceProviderFactory.PROVIDER_ID}) and its sub-resource for these links.
     */
    public static final String PATH = "device";
    private static final String REALM_RESOURCE = "app-passwords";

    /** How long the links work unless the required action's {@code device-link-seconds} says otherwise. */
    public static final int DEFAULT_SECONDS = 600;

    private static final String PREFIX = "app-password-device.";
    private static final String CREDENTIAL = PREFIX + "credential.";
    private static final int ID_BYTES = 16;
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int ID_CHARS = 22;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{65}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private static final String REALM = "realm";
    private static final String USER = "user";
    private static final String CREDENTIAL_ID = "credential";
    private static final String VIA = "via";
    private static final String SEALED = "sealed";
    private static final String OTHER = "other";

    /** Which link a download came through. */
    public enum Via {
        PAGE("page"), QR("qr");

        private final String id;

        Via(String id) {
            this.id = id;
        }

        /** As the download event's detail says it. */
        public String id() {
            return id;
        }
    }

    /** The tokens of the two links. */
    public record Tokens(String page, String qr) {
    }

    /** A link that worked: whose app password, and its secret. */
    public record Opened(Via via, String userId, String credentialId, String secret) {
    }

    private DeviceHandoff() {
    }

    /** Stores {@code secret} for {@code seconds} and returns the tokens of the page link and the QR link. */
    public static Tokens offer(KeycloakSession session, RealmModel realm, UserModel user, String credentialId,
                               String secret, int seconds) {
        byte[] key = random(KEY_BYTES);
        String pageId = B64URL.encodeToString(random(ID_BYTES));
        String qrId = B64URL.encodeToString(random(ID_BYTES));
        String sealed = seal(key, aad(realm.getId(), user.getId(), credentialId), secret);
        SingleUseObjectProvider store = session.singleUseObjects();
        store.put(PREFIX + pageId, seconds, Map.of(REALM, realm.getId(), USER, user.getId(),
                CREDENTIAL_ID, credentialId, VIA, Via.PAGE.name(), SEALED, sealed, OTHER, qrId));
        store.put(PREFIX + qrId, seconds, Map.of(REALM, realm.getId(), USER, user.getId(),
                CREDENTIAL_ID, credentialId, VIA, Via.QR.name(), SEALED, sealed, OTHER, pageId));
        store.put(CREDENTIAL + credentialId, seconds, Map.of(Via.PAGE.name(), pageId, Via.QR.name(), qrId));
        String encodedKey = B64URL.encodeToString(key);
        return new Tokens(pageId + encodedKey, qrId + encodedKey);
    }

    /** The absolute URL of a link with {@code token}, as the browser that asked sees this Keycloak. */
    public static URI link(KeycloakSession session, RealmModel realm, String token) {
        return session.getContext().getUri().getBaseUriBuilder()
                .path("realms").path(realm.getName()).path(REALM_RESOURCE).path(PATH).path(token).build();
    }

    /**
     * The key a well-formed token carries, or {@code null}. Only the canonical spelling counts: the key's last
     * character holds two unused bits that a decoder ignores, and a link with them altered must not work.
     */
    static byte[] key(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return null;
        }
        String text = token.substring(ID_CHARS);
        try {
            byte[] key = Base64.getUrlDecoder().decode(text);
            return B64URL.encodeToString(key).equals(text) ? key : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The secret behind a link of this realm, or {@code null} if the link is malformed, of another realm,
     * expired, already used (QR) or dropped. Opening the QR link uses it up, and the page link with it.
     */
    public static Opened open(KeycloakSession session, RealmModel realm, String token) {
        byte[] key = key(token);
        if (key == null) {
            return null;
        }
        String id = token.substring(0, ID_CHARS);
        SingleUseObjectProvider store = session.singleUseObjects();
        Map<String, String> notes = store.get(PREFIX + id);
        if (notes == null || !realm.getId().equals(notes.get(REALM)) || notes.get(SEALED) == null) {
            return null;
        }
        String secret = unseal(key, aad(realm.getId(), notes.get(USER), notes.get(CREDENTIAL_ID)), notes.get(SEALED));
        if (secret == null) {
            return null;
        }
        Via via = Via.valueOf(notes.get(VIA));
        if (via == Via.QR) {
            if (store.remove(PREFIX + id) == null) {
                return null; // a concurrent use won
            }
            drop(session, notes.get(CREDENTIAL_ID));
        }
        return new Opened(via, notes.get(USER), notes.get(CREDENTIAL_ID), secret);
    }

    /** Forgets the secret of this app password, if it is still held: the app password ended, or its QR link was used. */
    public static void drop(KeycloakSession session, String credentialId) {
        SingleUseObjectProvider store = session.singleUseObjects();
        Map<String, String> ids = store.remove(CREDENTIAL + credentialId);
        if (ids != null) {
            ids.values().forEach(id -> store.remove(PREFIX + id));
        }
    }

    /** Binds the ciphertext to its realm, user and app password: an entry cannot be passed off as another's. */
    private static byte[] aad(String realmId, String userId, String credentialId) {
        return (realmId + "\n" + userId + "\n" + credentialId).getBytes(StandardCharsets.UTF_8);
    }

    private static String seal(byte[] key, byte[] aad, String secret) {
        try {
            byte[] iv = random(IV_BYTES);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** {@code null} when the key (or the binding) does not fit. */
    private static String unseal(byte[] key, byte[] aad, String sealed) {
        try {
            byte[] in = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, in, 0, IV_BYTES));
            cipher.updateAAD(aad);
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] random(int bytes) {
        byte[] out = new byte[bytes];
        RANDOM.nextBytes(out);
        return out;
    }
}
