package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppPasswordPolicyTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long DAY = Duration.ofDays(1).toMillis();

    @Test
    void defaultsAreTheSafeOnes() {
        AppPasswordPolicy p = AppPasswordPolicy.parse(Map.of());
        assertTrue(p.allowedGroups().isEmpty());
        assertTrue(p.allowedRoles().isEmpty());
        assertTrue(p.requireSecondFactor());
        assertEquals(40, p.maxPerUser());
        assertEquals(0, p.defaultLifetimeDays());
        assertEquals(0, p.maxLifetimeDays());
        assertTrue(p.allowedClients().isEmpty());
        assertTrue(p.revokeOnPasswordChange());
        assertTrue(p.revokeOnSecondFactorRemoval());
        assertEquals(30, p.expiredGraceDays());
        assertNull(p.passwordChangedAttribute());
        assertEquals(p, AppPasswordPolicy.parse(null));
    }

    @Test
    void parsesEveryKeyAndTheAdminConsolesListSeparator() {
        AppPasswordPolicy p = AppPasswordPolicy.parse(Map.of(
                "allowedGroups", "/staff## /mail ##/staff", "allowedRoles", "mail-user",
                "requireSecondFactor", "FALSE", "maxPerUser", " 5 ", "defaultLifetimeDays", "30",
                "maxLifetimeDays", "90", "allowedClients", "mail-server", "revokeOnPasswordChange", "false",
                "revokeOnSecondFactorRemoval", "false", "expiredGraceDays", "0"));
        assertEquals(List.of("/staff", "/mail"), p.allowedGroups());
        assertEquals(List.of("mail-user"), p.allowedRoles());
        assertFalse(p.requireSecondFactor());
        assertEquals(5, p.maxPerUser());
        assertEquals(30, p.defaultLifetimeDays());
        assertEquals(90, p.maxLifetimeDays());
        assertEquals(List.of("mail-server"), p.allowedClients());
        assertFalse(p.revokeOnPasswordChange());
        assertFalse(p.revokeOnSecondFactorRemoval());
        assertEquals(0, p.expiredGraceDays());
    }

    @Test
    void unreadableValuesFallBackToDefaultsAndAreReportedWhenSaved() {
        Map<String, String> bad = Map.of("maxPerUser", "0", "defaultLifetimeDays", "x", "requireSecondFactor", "maybe",
                "expiredGraceDays", "-1");
        AppPasswordPolicy p = AppPasswordPolicy.parse(bad);
        assertEquals(40, p.maxPerUser());
        assertEquals(0, p.defaultLifetimeDays());
        assertTrue(p.requireSecondFactor());
        assertEquals(30, p.expiredGraceDays());
        assertEquals(Set.of("maxPerUser", "defaultLifetimeDays", "requireSecondFactor", "expiredGraceDays"),
                Set.copyOf(AppPasswordPolicy.problems(bad).stream().map(PolicyProblem::key).toList()));
        assertTrue(AppPasswordPolicy.problems(Map.of("maxPerUser", "5", "requireSecondFactor", "true")).isEmpty());
        assertEquals("defaultLifetimeDays", AppPasswordPolicy.problems(
                Map.of("defaultLifetimeDays", "100", "maxLifetimeDays", "90")).get(0).key());
    }

    @Test
    void aMaximumLifetimeMakesEveryAppPasswordExpire() {
        AppPasswordPolicy p = AppPasswordPolicy.parse(Map.of("maxLifetimeDays", "90"));
        assertEquals(90, p.defaultLifetimeDays(), "no default: the maximum");
        assertEquals(NOW + 90 * DAY, p.effectiveExpiry(null, NOW));
        assertFalse(p.allowsLifetime(0));
        assertTrue(p.allowsLifetime(90));
        assertFalse(p.allowsLifetime(91));
        assertEquals(List.of(7, 30, 90), p.lifetimeChoices());
        AppPasswordException never = assertThrows(AppPasswordException.class,
                () -> p.effectiveExpiry(AppPasswordPolicy.NEVER, NOW));
        assertEquals(AppPasswordError.EXPIRY_TOO_LATE, never.getError());
        assertArrayEquals(new Object[]{90}, never.getParameters());
        assertThrows(AppPasswordException.class, () -> p.effectiveExpiry(NOW + 90 * DAY + 1, NOW));
        assertEquals(NOW + 90 * DAY, p.effectiveExpiry(NOW + 90 * DAY, NOW));
    }

    @Test
    void withoutMaximumTheDefaultAppliesAndNeverIsAllowed() {
        AppPasswordPolicy none = AppPasswordPolicy.parse(Map.of());
        assertNull(none.effectiveExpiry(null, NOW));
        assertNull(none.effectiveExpiry(AppPasswordPolicy.NEVER, NOW));
        assertEquals(List.of(7, 30, 90, 180, 365, 0), none.lifetimeChoices());

        AppPasswordPolicy def = AppPasswordPolicy.parse(Map.of("defaultLifetimeDays", "45"));
        assertEquals(NOW + 45 * DAY, def.effectiveExpiry(null, NOW));
        assertNull(def.effectiveExpiry(AppPasswordPolicy.NEVER, NOW), "the user may still choose never");
        assertEquals(List.of(7, 30, 45, 90, 180, 365, 0), def.lifetimeChoices());
        assertEquals(NOW + 7 * DAY, AppPasswordPolicy.expiryAfterDays(7, NOW));
        assertEquals(AppPasswordPolicy.NEVER, AppPasswordPolicy.expiryAfterDays(0, NOW));
    }

    @Test
    void anExpiryInThePastIsRefused() {
        AppPasswordException e = assertThrows(AppPasswordException.class,
                () -> AppPasswordPolicy.parse(Map.of()).effectiveExpiry(NOW, NOW));
        assertEquals(AppPasswordError.EXPIRY_PAST, e.getError());
        assertEquals(AppPasswordError.Field.LIFETIME, e.getError().field());
    }

    @Test
    void everyoneMayCreateUnlessGroupsOrRolesAreListed() {
        assertTrue(AppPasswordPolicy.parse(Map.of()).mayCreate(g -> false, r -> false));
        AppPasswordPolicy p = AppPasswordPolicy.parse(Map.of("allowedGroups", "/staff", "allowedRoles", "mail"));
        assertFalse(p.mayCreate(g -> false, r -> false));
        assertTrue(p.mayCreate("/staff"::equals, r -> false));
        assertTrue(p.mayCreate(g -> false, "mail"::equals));
        assertFalse(p.mayCreate("/other"::equals, "other"::equals));
    }

    @Test
    void theSecondFactorIsCheckedAfterWhoMayCreate() {
        AppPasswordPolicy p = AppPasswordPolicy.parse(Map.of("allowedRoles", "mail"));
        assertEquals(AppPasswordError.NOT_ALLOWED, assertThrows(AppPasswordException.class,
                () -> p.checkMayCreate(g -> false, r -> false, false)).getError());
        assertEquals(AppPasswordError.SECOND_FACTOR_REQUIRED, assertThrows(AppPasswordException.class,
                () -> p.checkMayCreate(g -> false, r -> true, false)).getError());
        assertDoesNotThrow(() -> p.checkMayCreate(g -> false, r -> true, true));
        AppPasswordPolicy off = AppPasswordPolicy.parse(Map.of("requireSecondFactor", "false"));
        assertDoesNotThrow(() -> off.checkMayCreate(g -> false, r -> false, false));
    }

    @Test
    void theCountStopsAtTheMaximum() {
        AppPasswordPolicy p = AppPasswordPolicy.parse(Map.of("maxPerUser", "3"));
        assertDoesNotThrow(() -> p.checkCount(2));
        AppPasswordException e = assertThrows(AppPasswordException.class, () -> p.checkCount(3));
        assertEquals(AppPasswordError.LIMIT_REACHED, e.getError());
        assertArrayEquals(new Object[]{3}, e.getParameters());
    }

    @Test
    void clientsMustExistAndBeOnTheListWhenThereIsOne() {
        Set<String> realm = Set.of("mail-server", "calendar", "account");
        AppPasswordPolicy open = AppPasswordPolicy.parse(Map.of());
        assertNull(open.checkClients(null, realm::contains));
        assertNull(open.checkClients(List.of(), realm::contains));
        assertEquals(List.of("calendar", "mail-server"), open.checkClients(List.of("calendar", "mail-server", "calendar"), realm::contains));
        assertThrows(AppPasswordException.class, () -> open.checkClients(List.of("nope"), realm::contains));

        AppPasswordPolicy listed = AppPasswordPolicy.parse(Map.of("allowedClients", "mail-server##calendar"));
        assertEquals(List.of("mail-server"), listed.checkClients(List.of("mail-server"), realm::contains));
        AppPasswordException e = assertThrows(AppPasswordException.class,
                () -> listed.checkClients(List.of("mail-server", "account"), realm::contains));
        assertEquals(AppPasswordError.CLIENT_NOT_ALLOWED, e.getError());
        assertEquals(AppPasswordError.Field.CLIENTS, e.getError().field());
        assertThrows(AppPasswordException.class, () -> listed.checkClients(java.util.Arrays.asList("mail-server", null), realm::contains));
    }

    @Test
    void expiredAppPasswordsAreRemovableAfterTheGracePeriod() {
        assertEquals(NOW + 30 * DAY, AppPasswordPolicy.parse(Map.of()).removableAfter(NOW));
        assertEquals(NOW, AppPasswordPolicy.parse(Map.of("expiredGraceDays", "0")).removableAfter(NOW));
    }

    @Test
    void endedAppPasswordsAreRememberedForTheRetentionAndNotAtAllWithZero() {
        AppPasswordPolicy p = AppPasswordPolicy.parse(Map.of());
        assertEquals(90, p.endedRetentionDays());
        assertTrue(p.remembers(NOW - 90 * DAY + 1, NOW));
        assertFalse(p.remembers(NOW - 90 * DAY, NOW));
        assertTrue(p.remembers(null, NOW), "ended unseen: remembered until the clean-up dates it");
        AppPasswordPolicy off = AppPasswordPolicy.parse(Map.of("endedRetentionDays", "0"));
        assertFalse(off.remembersEnded());
        assertFalse(off.remembers(NOW, NOW));
        assertFalse(off.remembers(null, NOW));
        assertEquals(7, AppPasswordPolicy.parse(Map.of("endedRetentionDays", "7")).endedRetentionDays());
        assertEquals(List.of("endedRetentionDays"), AppPasswordPolicy.problems(Map.of("endedRetentionDays", "-1"))
                .stream().map(PolicyProblem::key).toList());
    }

    @Test
    void thePasswordChangedAttributeIsTakenTrimmedAndBlankMeansNone() {
        assertEquals("pwdChangedTime", AppPasswordPolicy.parse(Map.of("passwordChangedAttribute", " pwdChangedTime ")).passwordChangedAttribute());
        assertNull(AppPasswordPolicy.parse(Map.of("passwordChangedAttribute", "  ")).passwordChangedAttribute());
        assertTrue(AppPasswordPolicy.problems(Map.of("passwordChangedAttribute", "pwdLastSet")).isEmpty());
    }

    @Test
    void unusedRevocationIsOffByDefaultAndCountsFromTheLastActivity() {
        assertNull(AppPasswordPolicy.parse(Map.of()).unusedRevocationAt(NOW));
        assertEquals(0, AppPasswordPolicy.parse(Map.of()).revokeUnusedDays());
        assertEquals(NOW + 365 * DAY, AppPasswordPolicy.parse(Map.of("revokeUnusedDays", "365")).unusedRevocationAt(NOW));
        assertEquals(0, AppPasswordPolicy.parse(Map.of("revokeUnusedDays", "-5")).revokeUnusedDays(), "bad value: default");
        List<PolicyProblem> range = AppPasswordPolicy.problems(Map.of("revokeUnusedDays", "-5"));
        assertEquals(1, range.size());
        assertEquals("revokeUnusedDays", range.get(0).key());
        assertEquals(PolicyProblem.OUT_OF_RANGE, range.get(0).messageKey());
        List<PolicyProblem> word = AppPasswordPolicy.problems(Map.of("warnDaysBefore", "two weeks"));
        assertEquals(List.of("warnDaysBefore"), word.stream().map(PolicyProblem::key).toList());
        assertEquals(PolicyProblem.NOT_A_NUMBER, word.get(0).messageKey());
    }

    @Test
    void warningsFallInTheDaysBeforeTheDueTimeOnly() {
        AppPasswordPolicy p = AppPasswordPolicy.parse(Map.of());
        assertEquals(14, p.warnDaysBefore());
        long due = NOW + 10 * DAY;
        assertTrue(p.inWarningPeriod(due, NOW));
        assertTrue(p.inWarningPeriod(NOW + 14 * DAY, NOW), "exactly 14 days ahead");
        assertFalse(p.inWarningPeriod(NOW + 14 * DAY + 1, NOW), "too early");
        assertFalse(p.inWarningPeriod(NOW, NOW), "due now: too late to warn");
        assertFalse(p.inWarningPeriod(NOW - DAY, NOW));
        assertFalse(AppPasswordPolicy.parse(Map.of("warnDaysBefore", "0")).inWarningPeriod(due, NOW), "0: no warnings");
    }
}
