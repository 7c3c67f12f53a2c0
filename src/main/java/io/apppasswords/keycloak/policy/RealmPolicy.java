package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a realm keeps its {@link AppPasswordPolicy}: the config of the {@code app-password} required action
 * (whose id is the credential type), which the admin console renders from {@link #CONFIG}.
 */
public final class RealmPolicy {

    /** The settings the admin console shows for the {@code app-password} required action. */
    public static final List<ProviderConfigProperty> CONFIG = config();

    private RealmPolicy() {
    }

    /** The realm's policy, defaults where unset. */
    public static AppPasswordPolicy of(RealmModel realm) {
        return AppPasswordPolicy.parse(settings(realm));
    }

    /** The realm's answer to guessing over the mail server, defaults where unset. */
    public static AttackPolicy attacks(RealmModel realm) {
        return AttackPolicy.parse(settings(realm));
    }

    /**
     * Seconds since the last login within which a user may create an app password: the action's
     * {@code max_auth_age} setting, else Keycloak's default for application-initiated actions (5 minutes).
     * Used where no authentication session exists to ask (the REST API).
     */
    public static int maxAuthAge(RealmModel realm) {
        String value = settings(realm).get(Constants.MAX_AUTH_AGE_KEY);
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
                .forEach(p -> problems.add(new PolicyProblem(AppPasswordPolicy.ALLOWED_GROUPS, PolicyProblem.INVALID_VALUE)));
        policy.allowedRoles().stream().filter(r -> Eligibility.findRole(realm, r) == null)
                .forEach(r -> problems.add(new PolicyProblem(AppPasswordPolicy.ALLOWED_ROLES, PolicyProblem.INVALID_VALUE)));
        policy.allowedClients().stream().filter(c -> realm.getClientByClientId(c) == null)
                .forEach(c -> problems.add(new PolicyProblem(AppPasswordPolicy.ALLOWED_CLIENTS, PolicyProblem.INVALID_VALUE)));
        return problems;
    }

    private static Map<String, String> settings(RealmModel realm) {
        RequiredActionProviderModel action = realm.getRequiredActionProvidersStream()
                .filter(a -> AppPasswordCredentialModel.TYPE.equals(a.getProviderId()))
                .findFirst().orElse(null);
        RequiredActionConfigModel config = action == null ? null : realm.getRequiredActionConfigByAlias(action.getAlias());
        return config == null || config.getConfig() == null ? Map.of() : config.getConfig();
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
                .property().name(AppPasswordPolicy.ENDED_RETENTION_DAYS).label("Remember ended app passwords (days)")
                .helpText("A deleted, revoked or expired app password that an old device still sends is refused "
                        + "without counting towards the brute-force lockout, and the user is told by e-mail, for "
                        + "this long after it ended (its digest is kept, the newest "
                        + AppPasswordPolicy.MAX_REMEMBERED_PER_USER + " per user). 0: off.")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(String.valueOf(AppPasswordPolicy.DEFAULT_ENDED_RETENTION_DAYS)).add()
                .property().name(AppPasswordPolicy.PASSWORD_CHANGED_ATTRIBUTE).label("Directory password-change attribute")
                .helpText("For users from LDAP or Active Directory: the user attribute, mapped from the directory "
                        + "with \"Always read value from LDAP\", that says when the password was last changed there "
                        + "(OpenLDAP: pwdChangedTime, Active Directory: pwdLastSet). With revocation on password "
                        + "change, older app passwords are then refused and deleted. Empty: not used.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(AppPasswordPolicy.REVOKE_UNUSED_DAYS).label("Revoke when unused (days)")
                .helpText("A periodic clean-up deletes app passwords not used (or, never used, created) for this "
                        + "many days. 0: never. GitHub and Nextcloud use 365.")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("0").add()
                .property().name(AppPasswordPolicy.WARN_DAYS_BEFORE).label("Warn before (days)")
                .helpText("E-mail users this many days before an app password expires or is revoked as unused, "
                        + "once per app password. 0: no warnings. Needs the realm's e-mail settings.")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(String.valueOf(AppPasswordPolicy.DEFAULT_WARN_DAYS_BEFORE)).add()
                .build());
        properties.addAll(AttackPolicy.CONFIG);
        return List.copyOf(properties);
    }
}
