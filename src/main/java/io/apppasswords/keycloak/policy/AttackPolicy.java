package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import io.apppasswords.keycloak.credential.IpNetwork;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The realm's answer to guessing over the mail server, kept with the rest of the policy (the
 * {@code app-password} required action's config): how many distinct wrong values a source may send before it
 * is refused for a while, whether Keycloak's temporary lockout also stops app passwords, and which networks
 * new app passwords are tied to. Pure, like {@link AppPasswordPolicy}.
 */
public record AttackPolicy(int mailFailuresPerIp, int mailFailureWindowSeconds, boolean lockoutStopsAppPasswords,
                           List<String> defaultNetworks, boolean requireNetworks) {

    public static final String MAIL_FAILURES_PER_IP = "mailFailuresPerIp";
    /** How long a wrong value counts, and a throttled source stays refused; 15 minutes, shorter in tests. */
    public static final String MAIL_FAILURE_WINDOW_SECONDS = "mailFailureWindowSeconds";
    public static final String LOCKOUT_STOPS_APP_PASSWORDS = "lockoutStopsAppPasswords";
    public static final String DEFAULT_NETWORKS = "defaultNetworks";
    public static final String REQUIRE_NETWORKS = "requireNetworks";

    public static final int DEFAULT_MAIL_FAILURES_PER_IP = 20;
    public static final int LIMIT_MAIL_FAILURES_PER_IP = 1000;
    public static final int DEFAULT_WINDOW_SECONDS = 15 * 60;
    public static final int LIMIT_WINDOW_SECONDS = 24 * 60 * 60;

    /** The settings the admin console shows, after the other policy settings. */
    static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(MAIL_FAILURES_PER_IP).label("Wrong app passwords per IP")
            .helpText("After this many distinct wrong values from one IP address within the window, that address "
                    + "is refused at once, for every user, except app passwords that already signed in from it. "
                    + "Wrong app passwords never lock the user. The address is the mail app's as a trusted mail "
                    + "server forwards it, never the mail server's own. 0: off.")
            .type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(String.valueOf(DEFAULT_MAIL_FAILURES_PER_IP)).add()
            .property().name(MAIL_FAILURE_WINDOW_SECONDS).label("Wrong-app-password window (seconds)")
            .helpText("How long a wrong value counts against its IP address, and how long a throttled address stays "
                    + "refused.")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(String.valueOf(DEFAULT_WINDOW_SECONDS)).add()
            .property().name(LOCKOUT_STOPS_APP_PASSWORDS).label("Temporary lockout stops app passwords")
            .helpText("Off: while someone guessing the main password has the user temporarily locked out, the "
                    + "user's mail apps keep signing in. A permanent lockout, a disabled user and a revoked app "
                    + "password always stop it.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(DEFAULT_NETWORKS).label("Default networks")
            .helpText("CIDR networks (e.g. 192.0.2.0/24, 2001:db8::/32) a new app password is tied to when its "
                    + "creator names none.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(REQUIRE_NETWORKS).label("Require networks")
            .helpText("Refuse to create an app password usable from anywhere: it needs networks of its own or the "
                    + "default networks.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .build();

    public AttackPolicy {
        defaultNetworks = List.copyOf(defaultNetworks);
    }

    /** Reads a config map; absent or unreadable values get their defaults, bad default networks are left out. */
    public static AttackPolicy parse(Map<String, String> config) {
        Map<String, String> c = config == null ? Map.of() : config;
        return new AttackPolicy(
                AppPasswordPolicy.integer(c, MAIL_FAILURES_PER_IP, DEFAULT_MAIL_FAILURES_PER_IP, 0, LIMIT_MAIL_FAILURES_PER_IP),
                AppPasswordPolicy.integer(c, MAIL_FAILURE_WINDOW_SECONDS, DEFAULT_WINDOW_SECONDS, 1, LIMIT_WINDOW_SECONDS),
                AppPasswordPolicy.bool(c, LOCKOUT_STOPS_APP_PASSWORDS, false),
                networks(c).stream().map(IpNetwork::parse).filter(n -> n != null).map(IpNetwork::toString).toList(),
                AppPasswordPolicy.bool(c, REQUIRE_NETWORKS, false));
    }

    static void problems(Map<String, String> config, List<PolicyProblem> problems) {
        AppPasswordPolicy.checkInteger(config, MAIL_FAILURES_PER_IP, 0, LIMIT_MAIL_FAILURES_PER_IP, problems);
        AppPasswordPolicy.checkInteger(config, MAIL_FAILURE_WINDOW_SECONDS, 1, LIMIT_WINDOW_SECONDS, problems);
        if (networks(config).stream().anyMatch(n -> IpNetwork.parse(n) == null)) {
            problems.add(new PolicyProblem(DEFAULT_NETWORKS, PolicyProblem.INVALID_VALUE));
        }
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

    private static List<String> networks(Map<String, String> config) {
        String v = config == null ? null : config.get(DEFAULT_NETWORKS);
        return v == null ? List.of() : new ArrayList<>(Arrays.stream(v.split(AppPasswordPolicy.DELIMITER))
                .map(String::strip).filter(s -> !s.isEmpty()).toList());
    }
}
