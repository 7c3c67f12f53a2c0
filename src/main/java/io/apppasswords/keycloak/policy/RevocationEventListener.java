package io.apppasswords.keycloak.policy;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the policy's revocation rules when Keycloak reports a credential change: a changed or reset
 * password, or a removed second factor. It runs inside the transaction that made the change (Keycloak calls
 * listeners synchronously), so the revocation commits or rolls back together with it.
 */
public class RevocationEventListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(RevocationEventListener.class);

    /** Admin event resource paths, relative to the realm. */
    private static final Pattern RESET_PASSWORD = Pattern.compile("users/([^/]+)/reset-password");
    private static final Pattern CREDENTIAL = Pattern.compile("users/([^/]+)/credentials/[^/]+");
    private static final Pattern USER = Pattern.compile("users/([^/]+)");

    private final KeycloakSession session;

    public RevocationEventListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getError() != null || event.getType() == null || event.getUserId() == null) {
            return;
        }
        String credentialType = detail(event.getDetails(), Details.CREDENTIAL_TYPE);
        if (AppPasswordCredentialModel.TYPE.equals(credentialType)) {
            return; // our own events, including the ones this listener causes
        }
        EventType type = event.getType();
        if (type == EventType.UPDATE_PASSWORD
                || type == EventType.UPDATE_CREDENTIAL && PasswordCredentialModel.TYPE.equals(credentialType)) {
            passwordChanged(event.getRealmId(), event.getUserId());
        } else if (type == EventType.REMOVE_TOTP
                || type == EventType.REMOVE_CREDENTIAL && isSecondFactor(credentialType)) {
            secondFactorRemoved(event.getRealmId(), event.getUserId());
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getError() != null || event.getResourceType() != ResourceType.USER || event.getResourcePath() == null) {
            return;
        }
        Matcher user = USER.matcher(event.getResourcePath());
        if (event.getOperationType() == OperationType.UPDATE && user.matches()) {
            // a full update may carry a new password and says nothing about it: compare dates
            passwordMaybeChanged(event.getRealmId(), user.group(1));
            return;
        }
        if (event.getOperationType() != OperationType.ACTION) {
            return;
        }
        Matcher reset = RESET_PASSWORD.matcher(event.getResourcePath());
        if (reset.matches()) {
            passwordChanged(event.getRealmId(), reset.group(1));
            return;
        }
        Matcher credential = CREDENTIAL.matcher(event.getResourcePath());
        if (!credential.matches()) {
            return;
        }
        // Keycloak names the removed credential's type from 26.7 on; before, the user's remaining
        // credentials are checked after every removal.
        String removedType = detail(event.getDetails(), Details.CREDENTIAL_TYPE);
        if (removedType == null || isSecondFactor(removedType)) {
            secondFactorRemoved(event.getRealmId(), credential.group(1));
        }
    }

    private static boolean isSecondFactor(String credentialType) {
        return credentialType != null && AppPasswordPolicies.SECOND_FACTOR_TYPES.contains(credentialType);
    }

    private void passwordChanged(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null || !AppPasswordPolicies.of(realm).revokeOnPasswordChange()) {
            return;
        }
        UserModel user = session.users().getUserById(realm, userId);
        if (user != null) {
            int revoked = AppPasswordRevocation.revokeAll(session, realm, user, AppPasswordRevocation.REASON_PASSWORD_CHANGED);
            LOG.debugf("password of user %s changed: %d app passwords revoked", userId, revoked);
        }
    }

    private void passwordMaybeChanged(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            int revoked = AppPasswordRevocation.revokeOlderThanPassword(session, realm, user);
            LOG.debugf("user %s updated by an admin: %d app passwords older than the password revoked", userId, revoked);
        }
    }

    /** Revokes only when the policy requires a second factor and the user has none left. */
    private void secondFactorRemoved(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            return;
        }
        AppPasswordPolicy policy = AppPasswordPolicies.of(realm);
        if (!policy.requireSecondFactor() || !policy.revokeOnSecondFactorRemoval()) {
            return;
        }
        UserModel user = session.users().getUserById(realm, userId);
        if (user != null && !AppPasswordPolicies.hasSecondFactor(user)) {
            int revoked = AppPasswordRevocation.revokeAll(session, realm, user, AppPasswordRevocation.REASON_SECOND_FACTOR_REMOVED);
            LOG.debugf("last second factor of user %s removed: %d app passwords revoked", userId, revoked);
        }
    }

    private static String detail(Map<String, String> details, String key) {
        return details == null ? null : details.get(key);
    }

    @Override
    public void close() {
    }
}
