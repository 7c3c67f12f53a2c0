package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.action.AppPasswordRequiredActionFactory;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Where a realm's {@link AppPasswordPolicy} lives in Keycloak, and how its names map onto Keycloak's model. */
public final class AppPasswordPolicies {

    /**
     * Credential types that count as a second factor. A passkey ({@code webauthn-passwordless}) counts: it
     * is a stronger factor than OTP, and a passkey-only user is exactly who needs app passwords.
     */
    public static final Set<String> SECOND_FACTOR_TYPES = Set.of(OTPCredentialModel.TYPE,
            WebAuthnCredentialModel.TYPE_TWOFACTOR, WebAuthnCredentialModel.TYPE_PASSWORDLESS);

    /** The settings the admin console shows for the {@code app-password} required action. */
    public static final List<ProviderConfigProperty> CONFIG = config();

    private AppPasswordPolicies() {
    }

    /** The realm's policy: the {@code app-password} required action's config, defaults where unset. */
    public static AppPasswordPolicy of(RealmModel realm) {
        return AppPasswordPolicy.parse(config(realm));
    }

    /**
     * Seconds since the last login within which a user may create an app password: the action's
     * {@code max_auth_age} setting, else Keycloak's default for application-initiated actions (5 minutes).
     * Used where no authentication session exists to ask (the REST API).
     */
    public static int maxAuthAge(RealmModel realm) {
        String value = config(realm).get(Constants.MAX_AUTH_AGE_KEY);
        if (value != null) {
            try {
                int seconds = Integer.parseInt(value);
                if (seconds >= 0) {
                    return seconds;
                }
            } catch (NumberFormatException ignored) {
                // validateConfig refuses such values; fall back to the default like Keycloak does
            }
        }
        return Constants.KC_ACTION_MAX_AGE;
    }

    static Map<String, String> config(RealmModel realm) {
        RequiredActionProviderModel action = realm.getRequiredActionProvidersStream()
                .filter(a -> AppPasswordRequiredActionFactory.PROVIDER_ID.equals(a.getProviderId()))
                .findFirst().orElse(null);
        RequiredActionConfigModel config = action == null ? null : realm.getRequiredActionConfigByAlias(action.getAlias());
        return config == null || config.getConfig() == null ? Map.of() : config.getConfig();
    }

    /** Who-may-create and second-factor checks for {@code user}; throws the refusal. */
    public static void checkMayCreate(KeycloakSession session, RealmModel realm, UserModel user, AppPasswordPolicy policy) {
        policy.checkMayCreate(path -> isMember(session, realm, user, path), role -> hasRole(realm, user, role),
                hasSecondFactor(user));
    }

    public static boolean hasSecondFactor(UserModel user) {
        return user.credentialManager().getStoredCredentialsStream()
                .map(CredentialModel::getType)
                .anyMatch(SECOND_FACTOR_TYPES::contains);
    }

    /** Problems of a group path or role name that does not exist (a typo would lock everyone out). */
    public static List<Map.Entry<String, String>> unknownNames(KeycloakSession session, RealmModel realm,
                                                               AppPasswordPolicy policy) {
        List<Map.Entry<String, String>> problems = new ArrayList<>();
        policy.allowedGroups().stream().filter(p -> KeycloakModelUtils.findGroupByPath(session, realm, p) == null)
                .forEach(p -> problems.add(Map.entry(AppPasswordPolicy.ALLOWED_GROUPS, "no group with path " + p)));
        policy.allowedRoles().stream().filter(r -> findRole(realm, r) == null)
                .forEach(r -> problems.add(Map.entry(AppPasswordPolicy.ALLOWED_ROLES, "no role " + r)));
        policy.allowedClients().stream().filter(c -> realm.getClientByClientId(c) == null)
                .forEach(c -> problems.add(Map.entry(AppPasswordPolicy.ALLOWED_CLIENTS, "no client " + c)));
        return problems;
    }

    private static boolean isMember(KeycloakSession session, RealmModel realm, UserModel user, String path) {
        GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
        return group != null && user.isMemberOf(group);
    }

    private static boolean hasRole(RealmModel realm, UserModel user, String name) {
        RoleModel role = findRole(realm, name);
        return role != null && user.hasRole(role);
    }

    /**
     * A client role as {@code client-id.role}, split at the last dot that follows an existing client id (client
     * ids may contain dots), else a realm role. Keycloak's own parser changed signature between 26.x lines.
     */
    static RoleModel findRole(RealmModel realm, String name) {
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
            ClientModel client = realm.getClientByClientId(name.substring(0, dot));
            if (client != null) {
                return client.getRole(name.substring(dot + 1));
            }
        }
        return realm.getRole(name);
    }

    private static List<ProviderConfigProperty> config() {
        List<ProviderConfigProperty> properties = new ArrayList<>(RequiredActionFactory.MAX_AUTH_AGE_CONFIG_PROPERTIES);
        properties.addAll(ProviderConfigurationBuilder.create()
                .property().name(AppPasswordPolicy.ALLOWED_GROUPS).label("Groups that may create app passwords")
                .helpText("Group paths, e.g. /staff. Members (also of subgroups) may create app passwords. "
                        + "Leave this and the roles empty to let everyone create them.")
                .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
                .property().name(AppPasswordPolicy.ALLOWED_ROLES).label("Roles that may create app passwords")
                .helpText("Realm role names, or client roles as client-id.role. Holders (also through groups and "
                        + "composite roles) may create app passwords.")
                .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
                .property().name(AppPasswordPolicy.REQUIRE_SECOND_FACTOR).label("Require a second factor")
                .helpText("Users must have an OTP authenticator, a security key or a passkey before they can "
                        + "create an app password.")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true").add()
                .property().name(AppPasswordPolicy.MAX_PER_USER).label("Maximum app passwords per user")
                .helpText("Creating one more is refused. Between 1 and " + AppPasswordPolicy.LIMIT_MAX_PER_USER + ".")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(String.valueOf(AppPasswordPolicy.DEFAULT_MAX_PER_USER)).add()
                .property().name(AppPasswordPolicy.DEFAULT_LIFETIME_DAYS).label("Default lifetime (days)")
                .helpText("Expiry given to an app password created without one. 0: never expires.")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("0").add()
                .property().name(AppPasswordPolicy.MAX_LIFETIME_DAYS).label("Maximum lifetime (days)")
                .helpText("Longest lifetime a user may choose. 0: no maximum (never expiring is allowed).")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("0").add()
                .property().name(AppPasswordPolicy.ALLOWED_CLIENTS).label("Clients to restrict to")
                .helpText("Client ids (e.g. the mail server's) a user may restrict an app password to when "
                        + "creating it. Empty: the creation page offers no restriction.")
                .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
                .property().name(AppPasswordPolicy.REVOKE_ON_PASSWORD_CHANGE).label("Revoke on password change")
                .helpText("Delete all of a user's app passwords when the password is changed or reset, by the "
                        + "user or an admin.")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true").add()
                .property().name(AppPasswordPolicy.REVOKE_ON_SECOND_FACTOR_REMOVAL).label("Revoke when the second factor goes")
                .helpText("With a second factor required: delete all of a user's app passwords when the user's "
                        + "last second factor is removed.")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true").add()
                .property().name(AppPasswordPolicy.EXPIRED_GRACE_DAYS).label("Keep expired app passwords (days)")
                .helpText("Expired app passwords stay visible (as expired) this long, then a periodic clean-up "
                        + "deletes them. 0: at the next clean-up.")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(String.valueOf(AppPasswordPolicy.DEFAULT_EXPIRED_GRACE_DAYS)).add()
                .build());
        return List.copyOf(properties);
    }
}
