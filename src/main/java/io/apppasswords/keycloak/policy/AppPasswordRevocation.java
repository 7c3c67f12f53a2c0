package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.AppPasswordEvents;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialProvider;
import org.keycloak.common.ClientConnection;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

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
        AppPasswordCredentialProvider provider = AppPasswordCredentialProvider.of(session);
        List<AppPasswordCredentialModel> all = provider.list(user).toList();
        int revoked = 0;
        ClientConnection connection = session.getContext().getConnection();
        String ipAddress = connection == null ? null : connection.getRemoteHost();
        for (AppPasswordCredentialModel credential : all) {
            if (revoke(session, realm, user, credential, reason, ipAddress)) {
                revoked++;
            }
        }
        return revoked;
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
