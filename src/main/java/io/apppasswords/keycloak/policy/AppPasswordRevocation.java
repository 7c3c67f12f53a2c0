package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.AppPasswordEvents;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialProvider;
import org.keycloak.common.ClientConnection;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

import java.util.List;

/** Deletes app passwords on the policy's behalf, each with a REMOVE_CREDENTIAL event that says why. */
public final class AppPasswordRevocation {

    public static final String REASON_PASSWORD_CHANGED = "password changed";
    public static final String REASON_SECOND_FACTOR_REMOVED = "second factor removed";
    public static final String REASON_EXPIRED = "expired";

    private AppPasswordRevocation() {
    }

    /** Deletes all of the user's app passwords; returns how many. */
    public static int revokeAll(KeycloakSession session, RealmModel realm, UserModel user, String reason) {
        return revokeEach(session, realm, user, AppPasswordCredentialProvider.of(session).list(user).toList(), reason);
    }

    private static int revokeEach(KeycloakSession session, RealmModel realm, UserModel user,
                                  List<AppPasswordCredentialModel> credentials, String reason) {
        ClientConnection connection = session.getContext().getConnection();
        String ipAddress = connection == null ? null : connection.getRemoteHost();
        int revoked = 0;
        for (AppPasswordCredentialModel credential : credentials) {
            if (revoke(session, realm, user, credential, reason, ipAddress)) {
                revoked++;
            }
        }
        return revoked;
    }

    /**
     * Whether the user's password was set after this app password was made. Keycloak dates a password when
     * it is set (a re-hash keeps the date), so this catches every way a password changes, also those that
     * send no event this extension can see (a full admin {@code PUT users/{id}} with credentials, an import).
     */
    public static boolean predatesPassword(UserModel user, AppPasswordCredentialModel credential) {
        Long created = credential.getCreatedDate();
        return created != null && user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .map(CredentialModel::getCreatedDate)
                .anyMatch(passwordSet -> passwordSet != null && passwordSet > created);
    }

    /** Deletes the user's app passwords made before the current password, if the policy says so; returns how many. */
    public static int revokeOlderThanPassword(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!AppPasswordPolicies.of(realm).revokeOnPasswordChange()) {
            return 0;
        }
        List<AppPasswordCredentialModel> older = AppPasswordCredentialProvider.of(session).list(user)
                .filter(credential -> predatesPassword(user, credential)).toList();
        return revokeEach(session, realm, user, older, REASON_PASSWORD_CHANGED);
    }

    /**
     * Deletes one app password; false if it was already gone. {@code ipAddress} is null outside a request:
     * before 26.7 Keycloak throws when a timer task asks its context for the connection.
     */
    public static boolean revoke(KeycloakSession session, RealmModel realm, UserModel user,
                                 AppPasswordCredentialModel credential, String reason, String ipAddress) {
        if (!AppPasswordCredentialProvider.of(session).deleteCredential(realm, user, credential.getId())) {
            return false;
        }
        EventBuilder event = new EventBuilder(realm, session).user(user).detail(Details.REASON, reason);
        if (ipAddress != null) {
            event.ipAddress(ipAddress);
        }
        AppPasswordEvents.removed(event, credential);
        return true;
    }
}
