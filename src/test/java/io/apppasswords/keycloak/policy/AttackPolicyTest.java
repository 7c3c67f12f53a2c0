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
        assertFalse(AttackPolicy.parse(Map.of(Settings.MAIL_FAILURES_PER_IP.key(), "0")).throttles(), "0 = off");
    }

    @Test
    void badValuesKeepTheirDefaultsAndAreReportedWhenSaved() {
        assertEquals(List.of("192.0.2.0/24", "2001:db8::/32"), AttackPolicy.parse(Map.of(Settings.DEFAULT_NETWORKS.key(),
                "192.0.2.1/24##2001:DB8::/32##192.0.2.0/24")).defaultNetworks());
        Map<String, String> config = Map.of(Settings.MAIL_FAILURES_PER_IP.key(), "-1",
                Settings.MAIL_FAILURE_WINDOW_SECONDS.key(), "soon",
                Settings.DEFAULT_NETWORKS.key(), "192.0.2.0/24##nope",
                Settings.LOCKOUT_STOPS_APP_PASSWORDS.key(), "maybe");
        AttackPolicy policy = AttackPolicy.parse(config);
        assertEquals(20, policy.mailFailuresPerIp());
        assertEquals(900, policy.mailFailureWindowSeconds());
        assertEquals(List.of(), policy.defaultNetworks(), "one bad network spoils the setting");
        assertEquals(List.of(Settings.MAIL_FAILURES_PER_IP.key(), Settings.MAIL_FAILURE_WINDOW_SECONDS.key(),
                        Settings.LOCKOUT_STOPS_APP_PASSWORDS.key(), Settings.DEFAULT_NETWORKS.key()),
                AppPasswordPolicy.problems(config).stream().map(PolicyProblem::key).toList());
    }

    @Test
    void aRequestsOwnNetworksWinThenTheDefaultsAndNoneIsRefusedWhereRequired() {
        AttackPolicy defaults = AttackPolicy.parse(Map.of(Settings.DEFAULT_NETWORKS.key(), "203.0.113.0/24"));
        assertEquals(List.of("192.0.2.0/24"), defaults.effectiveNetworks(List.of("192.0.2.0/24")));
        assertEquals(List.of("203.0.113.0/24"), defaults.effectiveNetworks(null));
        assertEquals(List.of("203.0.113.0/24"), defaults.effectiveNetworks(List.of(" ")));
        assertNull(AttackPolicy.parse(Map.of()).effectiveNetworks(List.of()));
        AttackPolicy required = AttackPolicy.parse(Map.of(Settings.REQUIRE_NETWORKS.key(), "true"));
        assertEquals(AppPasswordError.NETWORKS_REQUIRED,
                assertThrows(AppPasswordException.class, () -> required.effectiveNetworks(null)).getError());
    }
}
