package io.apppasswords.keycloak.policy;

import org.keycloak.credential.CredentialModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.Set;

/** Whether a user may create app passwords under a policy: groups, roles and the second factor, looked up in Keycloak. */
public final class Eligibility {

    /**
     * Credential types that count as a second factor. A passkey ({@code webauthn-passwordless}) counts: it
     * is a stronger factor than OTP, and a passkey-only user is exactly who needs app passwords.
     */
    public static final Set<String> SECOND_FACTOR_TYPES = Set.of(OTPCredentialModel.TYPE,
            WebAuthnCredentialModel.TYPE_TWOFACTOR, WebAuthnCredentialModel.TYPE_PASSWORDLESS);

    private Eligibility() {
    }

    /** Throws the refusal a user sees when the policy does not let {@code user} create one. */
    public static void check(KeycloakSession session, RealmModel realm, UserModel user, AppPasswordPolicy policy) {
        policy.checkMayCreate(path -> isMember(session, realm, user, path), role -> hasRole(realm, user, role),
                hasSecondFactor(user));
    }

    public static boolean hasSecondFactor(UserModel user) {
        return user.credentialManager().getStoredCredentialsStream()
                .map(CredentialModel::getType)
                .anyMatch(SECOND_FACTOR_TYPES::contains);
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
}
