package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordSecret;
import io.apppasswords.keycloak.policy.AttackPolicy;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bookkeeping against guessing over the mail server, in Keycloak's single-use object store (shared by the
 * cluster, entries expire by themselves). Wrong values count per (realm, source IP), each distinct value once;
 * a source that reached the limit is refused for the window. A wrong value is never stored: only an HMAC of
 * it under the realm's HMAC key (a wrong value may be a real password typed into the wrong field, and the
 * store must hold nothing a leaked copy could be checked against offline).
 *
 * <p>The store has no counter, only an atomic {@code putIfAbsent}: a count is the run of numbered slots
 * {@code 1..n}, each added with {@code putIfAbsent} into the first free place, each expiring on its own. The
 * limit's slot exists only while that many distinct wrong values are younger than the window, so checking a
 * source is one lookup.
 */
public final class SourceThrottle {

    private static final String PREFIX = "app-password-attack:";
    /** How long an app password that signed in from a source stays exempt there once the source is throttled. */
    private static final long KNOWN_SECONDS = 30L * 24 * 60 * 60;
    /** Refused guesses at one user within a day that make the user be told. */
    public static final int NOTICE_THRESHOLD = 20;
    static final long DAY_SECONDS = 24 * 60 * 60;
    /** The most throttled sources the admin's list keeps per realm, newest first. */
    private static final int LISTED_SOURCES = 1000;
    /** Used only when the realm has no HMAC key: then a value counts once per node instead of once per cluster. */
    private static final SecretKey NODE_KEY = nodeKey();

    private final SingleUseObjectProvider store;
    private final KeycloakSession session;
    private final RealmModel realm;
    private final AttackPolicy policy;

    public SourceThrottle(KeycloakSession session, RealmModel realm, AttackPolicy policy) {
        this.session = session;
        this.store = session.singleUseObjects();
        this.realm = realm;
        this.policy = policy;
    }

    /** A throttled source and when it is let through again (epoch seconds). */
    public record Throttled(String ip, long until) {
    }

    /** Whether {@code ip} is refused now. */
    public boolean isThrottled(String ip) {
        return policy.throttles() && store.contains(slot(sourceKey(ip), policy.mailFailuresPerIp()));
    }

    /** Whether the app password {@code value} already signed in from {@code ip}. */
    public boolean signedInFrom(String ip, String value) {
        String key = knownKey(ip, value);
        return key != null && store.contains(key);
    }

    /** Notes that the app password {@code value} signed in from {@code ip} (one lookup when it already is). */
    public void accepted(String ip, String value) {
        String key = policy.throttles() ? knownKey(ip, value) : null;
        if (key != null && !store.contains(key)) {
            store.put(key, KNOWN_SECONDS, Map.of());
        }
    }

    /**
     * Counts a wrong value from {@code ip} for {@code username}, unless that source sent the same one within
     * the window. Returns whether it was counted (a new guess), so that the caller tells the user only of guesses.
     */
    public boolean wrongValue(String ip, String username, String value) {
        if (!store.putIfAbsent(PREFIX + "value:" + mac(realm.getId(), ip, username, value), policy.mailFailureWindowSeconds())) {
            return false;
        }
        if (policy.throttles()) {
            String source = sourceKey(ip);
            int filled = fill(source, policy.mailFailuresPerIp(), policy.mailFailureWindowSeconds(), null);
            if (filled == policy.mailFailuresPerIp()) {
                list(ip);
            }
        }
        return true;
    }

    /**
     * Counts a refused guess at the user {@code userId}; returns the sources of the last day's guesses when
     * this one reached {@link #NOTICE_THRESHOLD} for the first time that day (the user is to be told), else
     * {@code null}.
     */
    public List<String> guessAtUser(String userId, String ip) {
        String user = PREFIX + "user:" + realm.getId() + ":" + userId;
        if (fill(user, NOTICE_THRESHOLD, DAY_SECONDS, ip) != NOTICE_THRESHOLD
                || !store.putIfAbsent(user + ":told", DAY_SECONDS)) {
            return null;
        }
        Set<String> ips = new LinkedHashSet<>();
        for (int i = 1; i <= NOTICE_THRESHOLD; i++) {
            Map<String, String> notes = store.get(slot(user, i) + ":ip");
            if (notes != null && notes.get("ip") != null) {
                ips.add(notes.get("ip"));
            }
        }
        return new ArrayList<>(ips);
    }

    /** The sources throttled now, newest first. */
    public List<Throttled> throttled() {
        Map<String, String> listed = store.get(listKey());
        long now = Time.currentTime();
        return listed == null ? List.of() : listed.entrySet().stream()
                .map(e -> new Throttled(e.getKey(), Long.parseLong(e.getValue())))
                .filter(t -> t.until() > now)
                .sorted(Comparator.comparingLong(Throttled::until).reversed())
                .toList();
    }

    /**
     * Adds one to the count at {@code key} (the first free slot of {@code 1..limit}), noting {@code ip} beside
     * it if given; returns the slot taken, 0 when all are taken.
     */
    private int fill(String key, int limit, long seconds, String ip) {
        for (int i = 1; i <= limit; i++) {
            if (store.putIfAbsent(slot(key, i), seconds)) {
                if (ip != null) {
                    store.put(slot(key, i) + ":ip", seconds, Map.of("ip", ip));
                }
                return i;
            }
        }
        return 0;
    }

    /**
     * The admin's list is a view, not the rule: two sources throttled at the same instant may race and one
     * be missing from the list, never from the refusals.
     */
    private void list(String ip) {
        long now = Time.currentTime();
        Map<String, String> listed = new HashMap<>();
        Map<String, String> before = store.get(listKey());
        if (before != null) {
            before.entrySet().stream().filter(e -> Long.parseLong(e.getValue()) > now)
                    .sorted(Map.Entry.<String, String>comparingByValue(Comparator.comparingLong(Long::parseLong)).reversed())
                    .limit(LISTED_SOURCES - 1)
                    .forEach(e -> listed.put(e.getKey(), e.getValue()));
        }
        listed.put(ip, String.valueOf(now + policy.mailFailureWindowSeconds()));
        store.put(listKey(), policy.mailFailureWindowSeconds(), listed);
    }

    private String listKey() {
        return PREFIX + "throttled:" + realm.getId();
    }

    private String sourceKey(String ip) {
        return PREFIX + "ip:" + realm.getId() + ":" + ip;
    }

    /**
     * Keyed by the app password's own digest (what the database holds, of a random 120-bit secret), not an
     * HMAC: this runs on every successful login, and a digest costs no key lookup. {@code null} for a value
     * that cannot be an app password.
     */
    private String knownKey(String ip, String value) {
        String normalised = AppPasswordSecret.normalise(value);
        return normalised == null ? null : PREFIX + "known:" + realm.getId() + ":" + ip + ":"
                + AppPasswordSecret.encode(AppPasswordSecret.digest(normalised));
    }

    private static String slot(String key, int i) {
        return key + "#" + i;
    }

    private String mac(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            for (String part : parts) {
                mac.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private SecretKey key() {
        try {
            KeyWrapper active = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
            if (active != null && active.getSecretKey() != null) {
                return active.getSecretKey();
            }
        } catch (RuntimeException noHmacKey) {
            // a realm without an HMAC key provider: fall back to this node's key
        }
        return NODE_KEY;
    }

    private static SecretKey nodeKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new SecretKeySpec(bytes, "HmacSHA256");
    }
}
