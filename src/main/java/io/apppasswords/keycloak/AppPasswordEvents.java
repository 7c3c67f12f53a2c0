package io.apppasswords.keycloak;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;

/** The user events every path that creates or removes an app password sends, so audits see them alike. */
public final class AppPasswordEvents {

    private AppPasswordEvents() {
    }

    public static void created(EventBuilder event, AppPasswordCredentialModel credential) {
        send(event, EventType.UPDATE_CREDENTIAL, credential);
    }

    public static void removed(EventBuilder event, AppPasswordCredentialModel credential) {
        send(event, EventType.REMOVE_CREDENTIAL, credential);
    }

    /**
     * A creation the rules refused: UPDATE_CREDENTIAL_ERROR with the error code (e.g. {@code limit_reached})
     * and the message key as reason, so admins can count refusals by kind.
     */
    public static void refused(EventBuilder event, AppPasswordException refusal) {
        event.clone()
                .event(EventType.UPDATE_CREDENTIAL_ERROR)
                .detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE)
                .detail(Details.REASON, refusal.getMessageKey())
                .error(refusal.getErrorCode());
    }

    private static void send(EventBuilder event, EventType type, AppPasswordCredentialModel credential) {
        event.clone()
                .event(type)
                .detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, credential.getId())
                .detail(Details.CREDENTIAL_USER_LABEL, credential.getUserLabel())
                .detail(AppPasswordDetails.APP_PASSWORD_NAME, credential.getUserLabel())
                .success();
    }
}
