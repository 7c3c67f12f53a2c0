package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/** The rule behind "revoke on password change", for the paths that cannot see the change happen. */
public final class PasswordChange {

    private PasswordChange() {
    }

    /**
     * Whether the user's password was set after this app password was made. Keycloak dates a password when
     * it is set (a re-hash keeps the date), so this catches every way a password changes, also those that
     * send no event this extension can see (a full admin {@code PUT users/{id}} with credentials, an import).
     */
    public static boolean predates(UserModel user, AppPasswordCredentialModel credential) {
        Long created = credential.getCreatedDate();
        return created != null && user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .map(CredentialModel::getCreatedDate)
                .anyMatch(passwordSet -> passwordSet != null && passwordSet > created);
    }
}
