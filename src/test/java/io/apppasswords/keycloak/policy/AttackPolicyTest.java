package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttackPolicyTest {

    @Test
    void defaultsThrottleAfterTwentyInFifteenMinutesAndLetMailThroughAWebLockout() {
        AttackPolicy policy = AttackPolicy.parse(Map.of());
        assertEquals(20, policy.mailFailuresPerIp());
        assertEquals(900, policy.mailFailureWindowSeconds());
        assertFalse(policy.lockoutStopsAppPasswords());
        assertEquals(List.of(), policy.defaultNetworks());
        assertFalse(policy.requireNetworks());
        assertTrue(policy.throttles());
        assertFalse(AttackPolicy.parse(Map.of(AttackPolicy.MAIL_FAILURES_PER_IP, "0")).throttles(), "0 = off");
    }

    @Test
    void badValuesKeepTheirDefaultsAndAreReportedWhenSaved() {
        Map<String, String> config = Map.of(AttackPolicy.MAIL_FAILURES_PER_IP, "-1",
                AttackPolicy.MAIL_FAILURE_WINDOW_SECONDS, "soon",
                AttackPolicy.DEFAULT_NETWORKS, "192.0.2.0/24##nope",
                AttackPolicy.LOCKOUT_STOPS_APP_PASSWORDS, "maybe");
        AttackPolicy policy = AttackPolicy.parse(config);
        assertEquals(20, policy.mailFailuresPerIp());
        assertEquals(900, policy.mailFailureWindowSeconds());
        assertEquals(List.of("192.0.2.0/24"), policy.defaultNetworks());
        assertEquals(List.of(AttackPolicy.MAIL_FAILURES_PER_IP, AttackPolicy.MAIL_FAILURE_WINDOW_SECONDS,
                        AttackPolicy.DEFAULT_NETWORKS, AttackPolicy.LOCKOUT_STOPS_APP_PASSWORDS),
                AppPasswordPolicy.problems(config).stream().map(PolicyProblem::key).toList());
    }

    @Test
    void aRequestsOwnNetworksWinThenTheDefaultsAndNoneIsRefusedWhereRequired() {
        AttackPolicy defaults = AttackPolicy.parse(Map.of(AttackPolicy.DEFAULT_NETWORKS, "203.0.113.0/24"));
        assertEquals(List.of("192.0.2.0/24"), defaults.effectiveNetworks(List.of("192.0.2.0/24")));
        assertEquals(List.of("203.0.113.0/24"), defaults.effectiveNetworks(null));
        assertEquals(List.of("203.0.113.0/24"), defaults.effectiveNetworks(List.of(" ")));
        assertNull(AttackPolicy.parse(Map.of()).effectiveNetworks(List.of()));
        AttackPolicy required = AttackPolicy.parse(Map.of(AttackPolicy.REQUIRE_NETWORKS, "true"));
        assertEquals(AppPasswordError.NETWORKS_REQUIRED,
                assertThrows(AppPasswordException.class, () -> required.effectiveNetworks(null)).getError());
    }
}
