package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A realm's rules for app passwords, read from the {@code app-password} required action's config (the
 * settings, their defaults and ranges are {@link Settings}' realm-policy entries). Pure: decisions only;
 * looking groups, roles and credentials up is the caller's job.
 *
 * <p>A missing or unreadable value takes its default, so a realm without any config gets the safe defaults
 * (second factor required, 40 per user, no expiry, password change revokes).
 */
public record AppPasswordPolicy(List<String> allowedGroups, List<String> allowedRoles, boolean requireSecondFactor,
                                int maxPerUser, int defaultLifetimeDays, int maxLifetimeDays,
                                List<String> allowedClients, boolean revokeOnPasswordChange,
                                boolean revokeOnSecondFactorRemoval, int expiredGraceDays,
                                int endedRetentionDays, String passwordChangedAttribute, int revokeUnusedDays,
                                int warnDaysBefore) {

    /** 100 years: anything longer is a typo, and keeps epoch-millisecond arithmetic far from overflow. */
    public static final int LIMIT_DAYS = 36500;
    /** Ended app passwords remembered per user at most, newest first; bounds the rows every login compares. */
    public static final int MAX_REMEMBERED_PER_USER = 100;

    /** Lifetimes offered on the creation page, besides the default and the maximum. */
    private static final List<Integer> LIFETIME_CHOICES = List.of(7, 30, 90, 180, 365);

    /** A requested expiry meaning "never expires", allowed only without a maximum lifetime. */
    public static final long NEVER = Long.MAX_VALUE;

    public AppPasswordPolicy {
        allowedGroups = List.copyOf(allowedGroups);
        allowedRoles = List.copyOf(allowedRoles);
        allowedClients = List.copyOf(allowedClients);
    }

    /** Reads a config map as a realm's policy (see {@link #of}); {@code null} is an empty one. */
    public static AppPasswordPolicy parse(Map<String, String> config) {
        return of(SettingValues.of(Setting.Source.REALM_POLICY, "app-password policy", config));
    }

    /** Reads a realm's policy; unset, blank or unreadable values get their defaults ({@link Settings}). */
    public static AppPasswordPolicy of(SettingValues c) {
        int max = c.get(Settings.MAX_LIFETIME_DAYS);
        int def = c.get(Settings.DEFAULT_LIFETIME_DAYS);
        if (max > 0 && (def == 0 || def > max)) {
            def = max; // a maximum means every app password expires, by the maximum at the latest
        }
        return new AppPasswordPolicy(c.get(Settings.ALLOWED_GROUPS), c.get(Settings.ALLOWED_ROLES),
                c.get(Settings.REQUIRE_SECOND_FACTOR), c.get(Settings.MAX_PER_USER),
                def, max, c.get(Settings.ALLOWED_CLIENTS),
                c.get(Settings.REVOKE_ON_PASSWORD_CHANGE), c.get(Settings.REVOKE_ON_SECOND_FACTOR_REMOVAL),
                c.get(Settings.EXPIRED_GRACE_DAYS), c.get(Settings.ENDED_RETENTION_DAYS),
                c.get(Settings.PASSWORD_CHANGED_ATTRIBUTE), c.get(Settings.REVOKE_UNUSED_DAYS),
                c.get(Settings.WARN_DAYS_BEFORE));
    }

    /**
     * The problems of a config map; empty if it is fine. Used when the admin saves it, so a typo is refused
     * instead of silently falling back to a default.
     */
    public static List<PolicyProblem> problems(Map<String, String> config) {
        SettingValues values = SettingValues.of(Setting.Source.REALM_POLICY, "app-password policy", config);
        List<PolicyProblem> problems = values.problems();
        if (problems.isEmpty()) {
            int def = values.get(Settings.DEFAULT_LIFETIME_DAYS);
            int max = values.get(Settings.MAX_LIFETIME_DAYS);
            if (max > 0 && def > max) {
                problems.add(new PolicyProblem(Settings.DEFAULT_LIFETIME_DAYS.key(), PolicyProblem.OUT_OF_RANGE, 0, max));
            }
        }
        return problems;
    }

    /** Everyone, unless groups or roles are listed: then members of one of the groups or holders of one of the roles. */
    public boolean mayCreate(Predicate<String> isMemberOfGroup, Predicate<String> hasRole) {
        if (allowedGroups.isEmpty() && allowedRoles.isEmpty()) {
            return true;
        }
        return allowedGroups.stream().anyMatch(isMemberOfGroup) || allowedRoles.stream().anyMatch(hasRole);
    }

    /**
     * Who may create and whether the second factor is there; throws the refusal a user sees.
     *
     * @param hasSecondFactor whether the user has an OTP or WebAuthn credential
     */
    public void checkMayCreate(Predicate<String> isMemberOfGroup, Predicate<String> hasRole, boolean hasSecondFactor) {
        if (!mayCreate(isMemberOfGroup, hasRole)) {
            throw new AppPasswordException(AppPasswordError.NOT_ALLOWED);
        }
        if (requireSecondFactor && !hasSecondFactor) {
            throw new AppPasswordException(AppPasswordError.SECOND_FACTOR_REQUIRED);
        }
    }

    /** Refuses one more app password for a user who already has {@code existing}. */
    public void checkCount(long existing) {
        if (existing >= maxPerUser) {
            throw new AppPasswordException(AppPasswordError.LIMIT_REACHED, maxPerUser);
        }
    }

    /**
     * The expiry to store: the requested one if the policy allows it, the default lifetime when none is
     * requested, {@code null} for never ({@link #NEVER} requests that). Epoch milliseconds.
     */
    public Long effectiveExpiry(Long requested, long now) {
        if (requested == null) {
            return defaultLifetimeDays == 0 ? null : now + days(defaultLifetimeDays);
        }
        if (requested == NEVER) {
            if (maxLifetimeDays > 0) {
                throw new AppPasswordException(AppPasswordError.EXPIRY_TOO_LATE, maxLifetimeDays);
            }
            return null;
        }
        if (requested <= now) {
            throw new AppPasswordException(AppPasswordError.EXPIRY_PAST);
        }
        if (maxLifetimeDays > 0 && requested > now + days(maxLifetimeDays)) {
            throw new AppPasswordException(AppPasswordError.EXPIRY_TOO_LATE, maxLifetimeDays);
        }
        return requested;
    }

    /** The requested expiry for a lifetime chosen on the creation page: {@code days} from now, 0 = never. */
    public static long expiryAfterDays(int days, long now) {
        return days == 0 ? NEVER : now + days(days);
    }

    /** Whether {@code days} (0 = never) is a lifetime this policy allows. */
    public boolean allowsLifetime(int days) {
        if (days == 0) {
            return maxLifetimeDays == 0;
        }
        return days > 0 && days <= (maxLifetimeDays == 0 ? LIMIT_DAYS : maxLifetimeDays);
    }

    /** The lifetimes in days the creation page offers, ascending; 0 (never) last when allowed. */
    public List<Integer> lifetimeChoices() {
        TreeSet<Integer> choices = new TreeSet<>();
        LIFETIME_CHOICES.stream().filter(d -> d > 0 && allowsLifetime(d)).forEach(choices::add);
        if (defaultLifetimeDays > 0) {
            choices.add(defaultLifetimeDays);
        }
        if (maxLifetimeDays > 0) {
            choices.add(maxLifetimeDays);
        }
        List<Integer> out = new ArrayList<>(choices);
        if (maxLifetimeDays == 0) {
            out.add(0);
        }
        return out;
    }

    /**
     * The clients to store for a request. With a list in the policy, a request may name only clients from it;
     * without one, any client that {@code exists} in the realm. Duplicates are dropped; empty means any client.
     */
    public List<String> checkClients(List<String> requested, Predicate<String> exists) {
        if (requested == null || requested.isEmpty()) {
            return null;
        }
        List<String> checked = new ArrayList<>(new LinkedHashSet<>(requested));
        for (String clientId : checked) {
            boolean allowed = clientId != null && exists.test(clientId)
                    && (allowedClients.isEmpty() || allowedClients.contains(clientId));
            if (!allowed) {
                throw new AppPasswordException(AppPasswordError.CLIENT_NOT_ALLOWED);
            }
        }
        return checked;
    }

    /** When the periodic clean-up removes an app password that expired at {@code expiresAt}. */
    public long removableAfter(long expiresAt) {
        return expiresAt + days(expiredGraceDays);
    }

    /** Whether ended app passwords are remembered at all (a retention of 0 turns it off). */
    public boolean remembersEnded() {
        return endedRetentionDays > 0;
    }

    /**
     * Whether an app password that ended at {@code endedAt} is still remembered at {@code now}; {@code null}
     * (it ended unseen, and the clean-up has not yet noted when) counts as just now.
     */
    public boolean remembers(Long endedAt, long now) {
        return remembersEnded() && (endedAt == null || now < endedAt + days(endedRetentionDays));
    }

    /**
     * When an app password last used (or, never used, created) at {@code lastActivity} is revoked as unused;
     * {@code null} when the policy revokes none.
     */
    public Long unusedRevocationAt(long lastActivity) {
        return revokeUnusedDays == 0 ? null : lastActivity + days(revokeUnusedDays);
    }

    /** Whether the user is to be warned now of something happening at {@code dueAt}: within the warning period, not yet past. */
    public boolean inWarningPeriod(long dueAt, long now) {
        return warnDaysBefore > 0 && now < dueAt && now >= dueAt - days(warnDaysBefore);
    }

    static long days(int days) {
        return Duration.ofDays(days).toMillis();
    }
}
