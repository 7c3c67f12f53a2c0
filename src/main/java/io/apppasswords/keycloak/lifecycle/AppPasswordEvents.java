package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordException;
import org.keycloak.common.ClientConnection;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** The user events every path that creates or ends an app password sends, so audits see them alike. */
public final class AppPasswordEvents {

    private AppPasswordEvents() {
    }

    /**
     * An event for a change no request of the user's asked for (a policy revocation, the clean-up). The
     * caller's address is known only inside a request: before 26.7 Keycloak throws when a timer task asks its
     * context for the connection, so timer tasks pass {@code null}.
     */
    public static EventBuilder system(KeycloakSession session, RealmModel realm, UserModel user,
                                      ClientConnection connection) {
        EventBuilder event = new EventBuilder(realm, session).user(user);
        if (connection != null) {
            event.ipAddress(connection.getRemoteHost());
        }
        return event;
    }

    static void created(EventBuilder event, AppPasswordCredentialModel credential) {
        event.clone()
                .event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, credential.getId())
                .detail(Details.CREDENTIAL_USER_LABEL, credential.getUserLabel())
                .detail(AppPasswordDetails.APP_PASSWORD_NAME, credential.getUserLabel())
                .detail(AppPasswordDetails.APP_PASSWORD_PROTOCOLS, credential.getData().getProtocols() == null
                        ? "any" : String.join(",", credential.getData().getProtocols()))
                .success();
    }

    /** REMOVE_CREDENTIAL for an app password that ended; by id and name, as it may be gone already. */
    public static void ended(EventBuilder event, String credentialId, String name, EndReason reason) {
        event.clone()
                .event(EventType.REMOVE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, credentialId)
                .detail(Details.CREDENTIAL_USER_LABEL, name)
                .detail(AppPasswordDetails.APP_PASSWORD_NAME, name)
                .detail(Details.REASON, reason.text())
                .success();
    }

    /**
     * CUSTOM_REQUIRED_ACTION of the {@code app-password} action: a device downloaded the set-up profile of a
     * new app password, through the page's link or the QR code's.
     */
    public static void profileDownloaded(EventBuilder event, AppPasswordCredentialModel credential, DeviceHandoff.Via via) {
        event.clone()
                .event(EventType.CUSTOM_REQUIRED_ACTION)
                .detail(Details.CUSTOM_REQUIRED_ACTION, AppPasswordCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, credential.getId())
                .detail(AppPasswordDetails.APP_PASSWORD_NAME, credential.getUserLabel())
                .detail(AppPasswordDetails.DOWNLOAD, "profile")
                .detail(AppPasswordDetails.DOWNLOAD_VIA, via.id())
                .success();
    }

    /**
     * A creation the rules refused: UPDATE_CREDENTIAL_ERROR with the error code (e.g. {@code limit_reached})
     * and the message key as reason, so admins can count refusals by kind.
     */
    static void refused(EventBuilder event, AppPasswordException refusal) {
        event.clone()
                .event(EventType.UPDATE_CREDENTIAL_ERROR)
                .detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE)
                .detail(Details.REASON, refusal.getError().messageKey())
                .error(refusal.getError().code());
    }
}
