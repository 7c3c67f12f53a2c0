package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialData;
import io.apppasswords.keycloak.credential.AppPasswordHistory;
import io.apppasswords.keycloak.lifecycle.AppPasswordHousekeeping.Reach;
import io.apppasswords.keycloak.lifecycle.AppPasswordHousekeeping.Step;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which of the housekeeping's steps are due, step by step, without a server. */
class AppPasswordHousekeepingTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long DAY = Duration.ofDays(1).toMillis();
    /** Grace 30 days, revoke after 365 unused, warn 14 days ahead. */
    private static final AppPasswordPolicy POLICY = AppPasswordPolicy.parse(Map.of("revokeUnusedDays", "365"));

    private static AppPasswordCredentialData data(Long expiresAt, Long lastUsedAt) {
        AppPasswordCredentialData data = new AppPasswordCredentialData(expiresAt, null, null);
        data.setLastUsedAt(lastUsedAt);
        return data;
    }

    /** The policy above, a realm that can mail and tells its mail servers. */
    private static final Reach REACH = new Reach(POLICY, true, true);

    private static Set<Step> due(AppPasswordCredentialData data, long created) {
        return AppPasswordHousekeeping.due(data, created, REACH, NOW);
    }

    @Test
    void expire() {
        assertEquals(Set.of(Step.EXPIRE), due(data(NOW - 31 * DAY, NOW - DAY), NOW - 100 * DAY));
        assertEquals(Set.of(), due(data(NOW - 29 * DAY, NOW - DAY), NOW - 100 * DAY), "within the grace period");
    }

    @Test
    void revokeUnused() {
        assertEquals(Set.of(Step.REVOKE_UNUSED), due(data(null, NOW - 366 * DAY), NOW - 400 * DAY));
        assertEquals(Set.of(Step.REVOKE_UNUSED), due(data(null, null), NOW - 366 * DAY), "never used: since created");
        assertEquals(Set.of(), due(data(null, NOW - 300 * DAY), NOW - 400 * DAY));
        assertEquals(Set.of(), AppPasswordHousekeeping.due(data(null, null), NOW - 400 * DAY,
                new Reach(AppPasswordPolicy.parse(Map.of()), true, true), NOW), "a policy without revokeUnusedDays revokes none");
    }

    @Test
    void warnOnceOfEach() {
        AppPasswordCredentialData both = data(NOW + 10 * DAY, NOW - 355 * DAY);
        assertEquals(Set.of(Step.WARN_EXPIRY, Step.WARN_UNUSED), due(both, NOW - 400 * DAY));
        assertEquals(Set.of(), AppPasswordHousekeeping.due(both, NOW - 400 * DAY, new Reach(POLICY, false, true), NOW),
                "no mail, no warning");
        both.setWarnedExpiry(NOW + 10 * DAY);
        both.setWarnedUnused(NOW - 355 * DAY);
        assertEquals(Set.of(), due(both, NOW - 400 * DAY), "warned already");
        both.setExpiresAt(NOW + 5 * DAY);
        assertEquals(Set.of(Step.WARN_EXPIRY), due(both, NOW - 400 * DAY), "a new expiry, a new warning");
        assertEquals(Set.of(), due(data(NOW + 20 * DAY, NOW - DAY), NOW - 2 * DAY), "not yet in the warning period");
    }

    @Test
    void disconnectOncePerExpiryWhileTheRowIsKept() {
        long minute = Duration.ofMinutes(1).toMillis();
        AppPasswordCredentialData used = data(NOW - minute, NOW - DAY);
        assertEquals(Set.of(Step.DISCONNECT_EXPIRED), due(used, NOW - 100 * DAY), "just expired, used");
        assertEquals(Set.of(Step.DISCONNECT_EXPIRED), due(data(NOW, NOW - DAY), NOW - 100 * DAY), "expires this instant");
        assertEquals(Set.of(Step.WARN_EXPIRY), due(data(NOW + minute, NOW - DAY), NOW - 100 * DAY),
                "not yet expired: only warned of");
        assertEquals(Set.of(), AppPasswordHousekeeping.due(used, NOW - 100 * DAY, new Reach(POLICY, true, false), NOW),
                "a realm that tells no mail server");

        used.setDisconnectedExpiry(NOW - minute);
        assertEquals(Set.of(), due(used, NOW - 100 * DAY), "told once");
        used.setExpiresAt(NOW - 2 * minute);
        assertEquals(Set.of(Step.DISCONNECT_EXPIRED), due(used, NOW - 100 * DAY), "another expiry, told again");

        assertEquals(Set.of(), due(data(NOW - minute, null), NOW - 100 * DAY), "never used: no session to end");
        assertEquals(Set.of(Step.DISCONNECT_EXPIRED), due(data(NOW - DAY, NOW - 2 * DAY), NOW - 100 * DAY),
                "a day ago: still");
        assertEquals(Set.of(), due(data(NOW - DAY - 1, NOW - 2 * DAY), NOW - 100 * DAY),
                "longer ago than a day (an upgrade, mail servers configured late): not a flood of kicks");
        assertEquals(Set.of(Step.EXPIRE), AppPasswordHousekeeping.due(data(NOW - minute, NOW - DAY), NOW - 100 * DAY,
                new Reach(AppPasswordPolicy.parse(Map.of("expiredGraceDays", "0")), true, true), NOW),
                "no grace: ended, which tells the mail servers itself");
    }

    @Test
    void forgetEndedRecords() {
        AppPasswordHistory.Data record = new AppPasswordHistory.Data();
        record.endedAt = NOW - 91 * DAY;
        assertTrue(AppPasswordHousekeeping.forget(record, POLICY, NOW), "past the 90-day retention");
        record.endedAt = NOW - 89 * DAY;
        assertFalse(AppPasswordHousekeeping.forget(record, POLICY, NOW));
        record.endedAt = null;
        assertFalse(AppPasswordHousekeeping.forget(record, POLICY, NOW), "undated: dated first");
        assertTrue(AppPasswordHousekeeping.forget(record, AppPasswordPolicy.parse(Map.of("endedRetentionDays", "0")), NOW),
                "a retention of 0 remembers nothing");
    }
}
