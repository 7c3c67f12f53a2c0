package io.apppasswords.keycloak.events;

import io.apppasswords.keycloak.AppPasswordDetails;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives an app password deleted through Keycloak's own admin API (the admin console's <em>Credentials</em>
 * tab: {@code DELETE /admin/realms/{realm}/users/{id}/credentials/{credentialId}}) the same user event every
 * other path sends, {@code REMOVE_CREDENTIAL}. Keycloak records that path as an admin event only, so an
 * audit of user events would otherwise miss revocations by admins.
 */
public class AdminCredentialRemovalListener implements EventListenerProvider {

    /** The resource path Keycloak gives that admin event. */
    private static final Pattern STOCK_REMOVAL = Pattern.compile("users/([^/]+)/credentials/([^/]+)");

    private final KeycloakSession session;

    public AdminCredentialRemovalListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        Map<String, String> details = event.getDetails();
        if (event.getOperationType() != OperationType.ACTION || event.getResourceType() != ResourceType.USER
                || event.getError() != null || details == null
                || !AppPasswordCredentialModel.TYPE.equals(details.get(Details.CREDENTIAL_TYPE))
                || event.getResourcePath() == null) {
            return;
        }
        Matcher path = STOCK_REMOVAL.matcher(event.getResourcePath());
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (!path.matches() || realm == null) {
            return;
        }
        String label = details.get(Details.CREDENTIAL_USER_LABEL);
        new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.REMOVE_CREDENTIAL)
                .user(path.group(1))
                .detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, path.group(2))
                .detail(Details.CREDENTIAL_USER_LABEL, label)
                .detail(AppPasswordDetails.APP_PASSWORD_NAME, label)
                .success();
    }

    @Override
    public void close() {
    }
}
