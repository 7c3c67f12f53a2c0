package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import io.apppasswords.keycloak.credential.IpNetwork;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The realm's answer to guessing over the mail server, kept with the rest of the policy ({@link Settings}'
 * realm-policy entries): how many distinct wrong values a source may send before it is refused for a while,
 * whether Keycloak's temporary lockout also stops app passwords, and which networks new app passwords are
 * tied to. Pure, like {@link AppPasswordPolicy}.
 */
public record AttackPolicy(int mailFailuresPerIp, int mailFailureWindowSeconds, boolean lockoutStopsAppPasswords,
                           List<String> defaultNetworks, boolean requireNetworks) {

    public AttackPolicy {
        defaultNetworks = List.copyOf(defaultNetworks);
    }

    public static AttackPolicy of(SettingValues values) {
        return new AttackPolicy(values.get(Settings.MAIL_FAILURES_PER_IP), values.get(Settings.MAIL_FAILURE_WINDOW_SECONDS),
                values.get(Settings.LOCKOUT_STOPS_APP_PASSWORDS), values.get(Settings.DEFAULT_NETWORKS),
                values.get(Settings.REQUIRE_NETWORKS));
    }

    /** Reads a config map; absent or unreadable values get their defaults. */
    public static AttackPolicy parse(Map<String, String> config) {
        return of(SettingValues.of(Setting.Source.REALM_POLICY, "app-password policy", config));
    }

    /**
     * The networks to store for a request: its own (checked), else the realm's defaults; refused when the
     * realm requires networks and neither gives any. {@code null}: usable from anywhere.
     */
    public List<String> effectiveNetworks(List<String> requested) {
        List<String> own = IpNetwork.checkAll(requested);
        List<String> networks = own != null ? own : defaultNetworks.isEmpty() ? null : defaultNetworks;
        if (networks == null && requireNetworks) {
            throw new AppPasswordException(AppPasswordError.NETWORKS_REQUIRED);
        }
        return networks;
    }

    public boolean throttles() {
        return mailFailuresPerIp > 0;
    }

    /** {@link Settings#DEFAULT_NETWORKS}' parser: canonical networks; one that is none spoils the whole value. */
    static List<String> networks(String value) {
        List<String> networks = new ArrayList<>();
        for (String text : Arrays.stream(value.split(Setting.DELIMITER)).map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            IpNetwork network = IpNetwork.parse(text);
            if (network == null) {
                throw new IllegalArgumentException("not a network");
            }
            if (!networks.contains(network.toString())) {
                networks.add(network.toString());
            }
        }
        return networks;
    }
}
