package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a realm keeps its {@link AppPasswordPolicy}: the config of the {@code app-password} required action
 * (whose id is the credential type), which the admin console renders from {@link #CONFIG}. The one reader of
 * the {@link Setting.Source#REALM_POLICY} settings.
 */
public final class RealmPolicy {

    /**
     * The settings the admin console shows for the {@code app-password} required action: Keycloak's own
     * {@code max_auth_age} field, then every realm-policy entry of {@link Settings}.
     */
    public static final List<ProviderConfigProperty> CONFIG = config();

    private RealmPolicy() {
    }

    /** The realm's policy, defaults where unset. */
    public static AppPasswordPolicy of(RealmModel realm) {
        return AppPasswordPolicy.of(settings(realm));
    }

    /** The realm's values of the {@link Setting.Source#REALM_POLICY} settings. */
    public static SettingValues settings(RealmModel realm) {
        return SettingValues.of(Setting.Source.REALM_POLICY, "realm " + realm.getName(), config(realm));
    }

    /**
     * Seconds since the last login within which a user may create an app password: the action's
     * {@code max_auth_age} setting, else Keycloak's default for application-initiated actions (5 minutes).
     * Used where no authentication session exists to ask (the REST API).
     */
    public static int maxAuthAge(RealmModel realm) {
        return settings(realm).get(Settings.MAX_AUTH_AGE);
    }

    /**
     * What is wrong with a config an admin saves, including group paths, roles and clients that do not exist
     * (a typo there would lock everyone out); empty if nothing.
     */
    public static List<PolicyProblem> problems(KeycloakSession session, RealmModel realm, Map<String, String> config) {
        List<PolicyProblem> problems = new ArrayList<>(AppPasswordPolicy.problems(config));
        if (!problems.isEmpty()) {
            return problems;
        }
        AppPasswordPolicy policy = AppPasswordPolicy.parse(config);
        policy.allowedGroups().stream().filter(p -> KeycloakModelUtils.findGroupByPath(session, realm, p) == null)
                .forEach(p -> problems.add(new PolicyProblem(Settings.ALLOWED_GROUPS.key(), PolicyProblem.INVALID_VALUE)));
        policy.allowedRoles().stream().filter(r -> Eligibility.findRole(realm, r) == null)
                .forEach(r -> problems.add(new PolicyProblem(Settings.ALLOWED_ROLES.key(), PolicyProblem.INVALID_VALUE)));
        policy.allowedClients().stream().filter(c -> realm.getClientByClientId(c) == null)
                .forEach(c -> problems.add(new PolicyProblem(Settings.ALLOWED_CLIENTS.key(), PolicyProblem.INVALID_VALUE)));
        return problems;
    }

    private static Map<String, String> config(RealmModel realm) {
        RequiredActionProviderModel action = realm.getRequiredActionProvidersStream()
                .filter(a -> AppPasswordCredentialModel.TYPE.equals(a.getProviderId()))
                .findFirst().orElse(null);
        RequiredActionConfigModel config = action == null ? null : realm.getRequiredActionConfigByAlias(action.getAlias());
        return config == null || config.getConfig() == null ? Map.of() : config.getConfig();
    }

    private static List<ProviderConfigProperty> config() {
        List<ProviderConfigProperty> properties = new ArrayList<>(RequiredActionFactory.MAX_AUTH_AGE_CONFIG_PROPERTIES);
        Settings.of(Setting.Source.REALM_POLICY).stream().filter(s -> s != Settings.MAX_AUTH_AGE)
                .map(Setting::property).forEach(properties::add);
        return List.copyOf(properties);
    }
}
