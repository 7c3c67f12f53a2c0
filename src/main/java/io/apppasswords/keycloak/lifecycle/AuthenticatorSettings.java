package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.policy.Setting;
import io.apppasswords.keycloak.policy.SettingValues;
import io.apppasswords.keycloak.policy.Settings;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The app-password step's settings as read from its execution's config: the one reader of the
 * {@link Setting.Source#AUTHENTICATOR} entries of {@link Settings}, whose rules give an unset or unreadable
 * value its default. Read by the step itself, and for a client by callers outside any flow (the forward-auth
 * endpoint) from the step in that client's direct-grant flow.
 */
public record AuthenticatorSettings(boolean transientSession, long lastUseIntervalMillis, List<String> trustedForwarders,
                                    String forwardedIpHeader, String serviceHeader) {

    /** The step's provider id ({@code AppPasswordAuthenticatorFactory}). */
    public static final String STEP_ID = "direct-grant-validate-app-password";

    public static AuthenticatorSettings of(AuthenticatorConfigModel config) {
        SettingValues values = SettingValues.of(Setting.Source.AUTHENTICATOR,
                config == null ? "authenticator" : "authenticator config " + config.getAlias() + " (" + config.getId() + ")",
                config == null ? null : config.getConfig());
        return new AuthenticatorSettings(
                values.get(Settings.TRANSIENT_SESSION),
                values.get(Settings.LAST_USE_INTERVAL_SECONDS) * 1000L,
                values.get(Settings.TRUSTED_FORWARDERS),
                values.get(Settings.FORWARDED_IP_HEADER),
                values.get(Settings.SERVICE_HEADER));
    }

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
}
