package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.jboss.logging.Logger;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The rule behind "revoke on password change", for the paths that cannot see the change happen. */
public final class PasswordChange {

    private static final Logger LOG = Logger.getLogger(PasswordChange.class);
    /** realm id, attribute and kind already warned about: one line per setup problem, not one per login. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private PasswordChange() {
    }

    /**
     * Whether the user's password was set after this app password was made. Keycloak dates a password when
     * it is set (a re-hash keeps the date), so this catches every way a password changes, also those that
     * send no event this extension can see (a full admin {@code PUT users/{id}} with credentials, an import).
     * A password kept in a directory is dated by the user attribute the policy names
     * ({@link AppPasswordPolicy#passwordChangedAttribute()}); a missing or unreadable value dates nothing.
     */
    public static boolean predates(RealmModel realm, UserModel user, AppPasswordCredentialModel credential,
                                   AppPasswordPolicy policy) {
        Long created = credential.getCreatedDate();
        if (created == null) {
            return false;
        }
        boolean stored = user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .map(CredentialModel::getCreatedDate)
                .anyMatch(passwordSet -> passwordSet != null && passwordSet > created);
        return stored || directoryPredates(realm, user, created, policy.passwordChangedAttribute());
    }

    private static boolean directoryPredates(RealmModel realm, UserModel user, long created, String attribute) {
        if (attribute == null || user.getFederationLink() == null) {
            return false; // a local user's password is dated by its credential alone
        }
        DirectoryPasswordTime.Result changed = DirectoryPasswordTime.parse(user.getFirstAttribute(attribute));
        switch (changed.kind()) {
            case TIME:
                return changed.epochMillis() > created;
            case MISSING:
                warnOnce(realm, attribute, "missing", "Directory users without a value in user attribute '%s' "
                        + "(realm %s): their password changes cannot revoke app passwords. Map it with a "
                        + "user-attribute LDAP mapper (always read from LDAP); OpenLDAP sets pwdChangedTime only "
                        + "with the ppolicy overlay and only after a change.");
                return false;
            case MALFORMED:
                warnOnce(realm, attribute, "malformed", "User attribute '%s' (realm %s) holds a value that is "
                        + "neither LDAP GeneralizedTime (pwdChangedTime) nor an AD FILETIME (pwdLastSet); such "
                        + "users' password changes cannot revoke app passwords.");
                return false;
            default:
                return false; // AD's 0: a change is pending, the new password's time comes with it
        }
    }

    private static void warnOnce(RealmModel realm, String attribute, String kind, String format) {
        if (WARNED.add(realm.getId() + '\n' + attribute + '\n' + kind)) {
            LOG.warnf(format, attribute, realm.getName());
        }
    }
}
