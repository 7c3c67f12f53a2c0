package io.apppasswords.keycloak.it;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords (RFC 4226 truncation) for the demo users.
 *
 * <p>Keycloak uses the UTF-8 bytes of an OTP credential's {@code secretData.value} as the HMAC key when the
 * credential data has no {@code secretEncoding}; the demo realm imports alice's OTP that way, so
 * {@link #ALICE} is built from the same string.
 *
 * <p>Keycloak refuses a code it has already accepted for the same credential (realm OTP policy
 * "code reusable" off, the default), for as long as the code could be valid. Tests that send codes to
 * Keycloak should therefore use {@link #fresh()}, which never hands out the same time step or code twice in
 * this JVM and, when the steps the realm looks ahead to are used up, waits for the next period.
 */
public final class Totp {

    /** alice's OTP secret in demo-realm.json ({@code secretData.value}); the HMAC key is its UTF-8 bytes. */
    public static final String ALICE_SECRET = "alice-demo-totp-key!";
    public static final Totp ALICE = new Totp(ALICE_SECRET, 6, 30, "HmacSHA1");

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final String secret;
    private final byte[] key;
    private final int digits;
    private final int periodSeconds;
    private final String algorithm;
    /** steps after the current one the realm accepts (its OTP policy's look-around window) */
    private final int lookAhead;
    /** time steps and codes handed out by fresh(), oldest first */
    private final Deque<long[]> usedSteps = new ArrayDeque<>();
    private final Deque<String> usedCodes = new ArrayDeque<>();

    /** A generator for a realm with Keycloak's default look-around window of one step. */
    public Totp(String rawSecret, int digits, int periodSeconds, String algorithm) {
        this(rawSecret, digits, periodSeconds, algorithm, 1);
    }

    public Totp(String rawSecret, int digits, int periodSeconds, String algorithm, int lookAhead) {
        this.lookAhead = lookAhead;
        this.secret = rawSecret;
        this.key = rawSecret.getBytes(StandardCharsets.UTF_8);
        this.digits = digits;
        this.periodSeconds = periodSeconds;
        this.algorithm = algorithm;
    }

    /** The raw secret as stored in Keycloak. */
    public String secret() {
        return secret;
    }

    /** The key in Base32 without padding, as authenticator apps want it typed in. */
    public String base32Secret() {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : key) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    /** The code for the current time step. Keycloak accepts it once; prefer {@link #fresh()} in tests. */
    public String now() {
        return atStep(currentStep());
    }

    /** The code for the time step containing {@code epochSeconds}. */
    public String at(long epochSeconds) {
        return atStep(Math.floorDiv(epochSeconds, periodSeconds));
    }

    /**
     * A code Keycloak has not seen from this JVM: the current step's, else one of the next steps' the realm's
     * look-around window accepts, else waits for the next period.
     */
    public synchronized String fresh() {
        while (true) {
            long step = currentStep();
            prune(step);
            for (long candidate = step; candidate <= step + lookAhead; candidate++) {
                String code = atStep(candidate);
                if (!stepUsed(candidate) && !usedCodes.contains(code)) {
                    usedSteps.addLast(new long[] {candidate});
                    usedCodes.addLast(code);
                    return code;
                }
            }
            long millisToNextStep = (step + 1) * periodSeconds * 1000L - System.currentTimeMillis();
            try {
                Thread.sleep(Math.max(50, millisToNextStep + 50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a fresh TOTP step", e);
            }
        }
    }

    /** How long until the current code stops being the current one. */
    public Duration remainingInStep() {
        long now = System.currentTimeMillis();
        return Duration.ofMillis((currentStep() + 1) * periodSeconds * 1000L - now);
    }

    String atStep(long step) {
        byte[] counter = new byte[8];
        for (int i = 7; i >= 0; i--) {
            counter[i] = (byte) (step & 0xff);
            step >>>= 8;
        }
        byte[] hash;
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, "RAW"));
            hash = mac.doFinal(counter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        int modulus = 1;
        for (int i = 0; i < digits; i++) {
            modulus *= 10;
        }
        StringBuilder code = new StringBuilder(Integer.toString(binary % modulus));
        while (code.length() < digits) {
            code.insert(0, '0');
        }
        return code.toString();
    }

    private long currentStep() {
        return Math.floorDiv(System.currentTimeMillis() / 1000L, periodSeconds);
    }

    private boolean stepUsed(long step) {
        for (long[] s : usedSteps) {
            if (s[0] == step) {
                return true;
            }
        }
        return false;
    }

    /** Forget what Keycloak no longer remembers (it keeps a used code for 3 periods). */
    private void prune(long currentStep) {
        while (!usedSteps.isEmpty() && usedSteps.peekFirst()[0] < currentStep - 3 - lookAhead) {
            usedSteps.removeFirst();
            usedCodes.removeFirst();
        }
    }
}
