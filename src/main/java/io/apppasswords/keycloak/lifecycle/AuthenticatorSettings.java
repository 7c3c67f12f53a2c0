package io.apppasswords.keycloak.lifecycle;

import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The app-password step's settings as read from its execution's config; an unset or unreadable value keeps
 * its default. The admin console's form for them is the authenticator factory's. Read by the step itself, and
 * for a client by callers outside any flow (the forward-auth endpoint) from the step in its direct-grant flow.
 */
public record AuthenticatorSettings(boolean transientSession, long lastUseIntervalMillis, List<String> trustedForwarders,
                                    String forwardedIpHeader, String serviceHeader) {

    /** The step's provider id ({@code AppPasswordAuthenticatorFactory}). */
    public static final String STEP_ID = "direct-grant-validate-app-password";

    public static final String TRANSIENT_SESSION = "transientSession";
    public static final String LAST_USE_INTERVAL = "lastUseIntervalSeconds";
    public static final String TRUSTED_FORWARDERS = "trustedForwarderClients";
    public static final String FORWARDED_IP_HEADER = "forwardedIpHeader";
    public static final String SERVICE_HEADER = "serviceHeader";
    public static final long DEFAULT_LAST_USE_INTERVAL_SECONDS = 3600;
    /** What Dovecot sends with {@code send_auth_headers = yes}: the mail client's address. */
    public static final String DEFAULT_FORWARDED_IP_HEADER = "X-Dovecot-Auth-Remote";
    /** What Dovecot sends with {@code send_auth_headers = yes}: the service the login is for (imap, smtp...). */
    public static final String DEFAULT_SERVICE_HEADER = "X-Dovecot-Auth-Service";

    /**
     * The settings of the first enabled app-password step in {@code client}'s direct-grant flow (its override,
     * else the realm's), sub-flows included; empty if that flow has none.
     */
    public static Optional<AuthenticatorSettings> forDirectGrant(RealmModel realm, ClientModel client) {
        String flowId = client.getAuthenticationFlowBindingOverride(AuthenticationFlowBindings.DIRECT_GRANT_BINDING);
        if (flowId == null || realm.getAuthenticationFlowById(flowId) == null) {
            flowId = realm.getDirectGrantFlow() == null ? null : realm.getDirectGrantFlow().getId();
        }
        return Optional.ofNullable(step(realm, flowId))
                .map(step -> of(step.getAuthenticatorConfig() == null ? null
                        : realm.getAuthenticatorConfigById(step.getAuthenticatorConfig())));
    }

    private static AuthenticationExecutionModel step(RealmModel realm, String flowId) {
        if (flowId == null) {
            return null;
        }
        return realm.getAuthenticationExecutionsStream(flowId)
                .filter(e -> !e.isDisabled())
                .map(e -> e.isAuthenticatorFlow() ? step(realm, e.getFlowId()) : STEP_ID.equals(e.getAuthenticator()) ? e : null)
                .filter(Objects::nonNull)
                .findFirst().orElse(null);
    }

    public static AuthenticatorSettings of(AuthenticatorConfigModel config) {
        Map<String, String> values = config == null || config.getConfig() == null ? Map.of() : config.getConfig();
        String transientSession = values.get(TRANSIENT_SESSION);
        return new AuthenticatorSettings(
                transientSession == null || Boolean.parseBoolean(transientSession),
                seconds(values.get(LAST_USE_INTERVAL), DEFAULT_LAST_USE_INTERVAL_SECONDS) * 1000,
                list(values.get(TRUSTED_FORWARDERS)),
                header(values.get(FORWARDED_IP_HEADER), DEFAULT_FORWARDED_IP_HEADER),
                header(values.get(SERVICE_HEADER), DEFAULT_SERVICE_HEADER));
    }

    private static String header(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static long seconds(String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException ignored) {
            return fallback; // an unreadable setting keeps the safe default
        }
    }

    private static List<String> list(String value) {
        return value == null ? List.of()
                : Arrays.stream(value.split(Constants.CFG_DELIMITER)).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
