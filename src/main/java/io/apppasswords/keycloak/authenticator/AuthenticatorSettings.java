package io.apppasswords.keycloak.authenticator;

import io.apppasswords.keycloak.policy.Setting;
import io.apppasswords.keycloak.policy.SettingValues;
import io.apppasswords.keycloak.policy.Settings;
import org.keycloak.models.AuthenticatorConfigModel;

import java.util.List;

/**
 * The app-password step's settings as read from its execution's config: the one reader of the
 * {@link Setting.Source#AUTHENTICATOR} entries of {@link Settings}, whose rules give an unset or unreadable
 * value its default.
 */
record AuthenticatorSettings(boolean transientSession, long lastUseIntervalMillis, List<String> trustedForwarders,
                             String forwardedIpHeader, String serviceHeader) {

    static AuthenticatorSettings of(AuthenticatorConfigModel config) {
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
}
