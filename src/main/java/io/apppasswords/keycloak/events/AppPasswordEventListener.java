package io.apppasswords.keycloak.events;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.lifecycle.AppPasswordDetails;
import io.apppasswords.keycloak.lifecycle.AppPasswordEvents;
import io.apppasswords.keycloak.lifecycle.AppPasswords;
import io.apppasswords.keycloak.lifecycle.DeviceHandoff;
import io.apppasswords.keycloak.lifecycle.EndedAppPasswords;
import io.apppasswords.keycloak.lifecycle.EndReason;
import io.apppasswords.keycloak.lifecycle.MailServerSessions;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.policy.Eligibility;
import io.apppasswords.keycloak.policy.RealmPolicy;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

import java.util.Map;

/**
 * Acts on what Keycloak reports about credentials:
 * <ul>
 *     <li>a changed or reset password, or a removed second factor: the policy's revocation rules;</li>
 *     <li>an app password deleted through Keycloak's own admin API (the admin console's <em>Credentials</em>
 *     tab): the REMOVE_CREDENTIAL user event every other path sends, which Keycloak does not;</li>
 *     <li>an app password deleted by either of Keycloak's consoles: when and why, on its record, so an old
 *     device that still sends it is recognised.</li>
 * </ul>
 * Keycloak calls listeners synchronously, inside the transaction that made the change, so a revocation
 * commits or rolls back together with it.
 */
public class AppPasswordEventListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(AppPasswordEventListener.class);

    private final KeycloakSession session;

    public AppPasswordEventListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getError() != null || event.getType() == null || event.getUserId() == null) {
            return;
        }
        String credentialType = detail(event.getDetails(), Details.CREDENTIAL_TYPE);
        if (AppPasswordCredentialModel.TYPE.equals(credentialType)) {
            // Our own events (including the ones this listener causes) name the app password in a detail of
            // ours; Keycloak's account console (action delete_credential) does not.
            if (event.getType() == EventType.REMOVE_CREDENTIAL
                    && detail(event.getDetails(), AppPasswordDetails.APP_PASSWORD_NAME) == null) {
                String id = detail(event.getDetails(), Details.CREDENTIAL_ID);
                // Keycloak's deprecated account REST DELETE names it differently
                deletedByKeycloak(event.getRealmId(), event.getUserId(),
                        id != null ? id : detail(event.getDetails(), Details.SELECTED_CREDENTIAL_ID), EndReason.DELETED_BY_USER);
            }
            return;
        }
        EventType type = event.getType();
        if (type == EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT) {
            userEnded(event.getRealmId(), event.getUserId());
        } else if (type == EventType.UPDATE_PASSWORD
                || type == EventType.UPDATE_CREDENTIAL && PasswordCredentialModel.TYPE.equals(credentialType)) {
            passwordChanged(event.getRealmId(), event.getUserId());
        } else if (type == EventType.REMOVE_TOTP
                || type == EventType.REMOVE_CREDENTIAL && isSecondFactor(credentialType)) {
            secondFactorRemoved(event.getRealmId(), event.getUserId());
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        AdminEventPaths.parse(event).ifPresent(target -> {
            switch (target.kind()) {
                case UPDATED -> passwordMaybeChanged(event.getRealmId(), target.userId());
                case PASSWORD_RESET -> passwordChanged(event.getRealmId(), target.userId());
                case CREDENTIAL_REMOVED -> credentialRemoved(event, target);
            }
        });
    }

    /**
     * Keycloak names the removed credential's type from 26.7 on; before, the user's remaining credentials are
     * checked after every removal.
     */
    private void credentialRemoved(AdminEvent event, AdminEventPaths.Target target) {
        Map<String, String> details = event.getDetails();
        String removedType = detail(details, Details.CREDENTIAL_TYPE);
        if (removedType == null || AppPasswordCredentialModel.TYPE.equals(removedType)) {
            // before 26.7 the type is unknown: a no-op unless the id was an app password's
            deletedByKeycloak(event.getRealmId(), target.userId(), target.credentialId(), EndReason.DELETED_BY_ADMIN);
        }
        if (AppPasswordCredentialModel.TYPE.equals(removedType)) {
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            if (realm != null) {
                AppPasswordEvents.ended(
                        new EventBuilder(realm, session, session.getContext().getConnection()).user(target.userId()),
                        target.credentialId(), detail(details, Details.CREDENTIAL_USER_LABEL), EndReason.DELETED_BY_ADMIN);
            }
        } else if (removedType == null || isSecondFactor(removedType)) {
            secondFactorRemoved(event.getRealmId(), target.userId());
        }
    }

    private void deletedByKeycloak(String realmId, String userId, String appPasswordId, EndReason reason) {
        if (appPasswordId != null) {
            DeviceHandoff.drop(session, appPasswordId);
        }
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            new EndedAppPasswords(session, realm).deletedByKeycloak(user, appPasswordId, reason);
        }
    }

    private static boolean isSecondFactor(String credentialType) {
        return credentialType != null && Eligibility.SECOND_FACTOR_TYPES.contains(credentialType);
    }

    private void passwordChanged(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null || !RealmPolicy.of(realm).revokeOnPasswordChange()) {
            return;
        }
        UserModel user = session.users().getUserById(realm, userId);
        if (user != null) {
            int revoked = new AppPasswords(session, realm).endAll(user, EndReason.PASSWORD_CHANGED, event(realm, user));
            LOG.debugf("password of user %s changed: %d app passwords revoked", userId, revoked);
        }
    }

    /** Every session of a user who can no longer sign in ends at the mail servers. */
    private void userEnded(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            MailServerSessions.userEnded(session, realm, user);
        }
    }

    private void passwordMaybeChanged(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null && !user.isEnabled()) {
            MailServerSessions.userEnded(session, realm, user); // an admin disabled the user
        }
        if (user != null) {
            int revoked = new AppPasswords(session, realm).endOlderThanPassword(user, event(realm, user));
            LOG.debugf("user %s updated by an admin: %d app passwords older than the password revoked", userId, revoked);
        }
    }

    /** Revokes only when the policy requires a second factor and the user has none left. */
    private void secondFactorRemoved(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            return;
        }
        AppPasswordPolicy policy = RealmPolicy.of(realm);
        if (!policy.requireSecondFactor() || !policy.revokeOnSecondFactorRemoval()) {
            return;
        }
        UserModel user = session.users().getUserById(realm, userId);
        if (user != null && !Eligibility.hasSecondFactor(user)) {
            int revoked = new AppPasswords(session, realm).endAll(user, EndReason.SECOND_FACTOR_REMOVED, event(realm, user));
            LOG.debugf("last second factor of user %s removed: %d app passwords revoked", userId, revoked);
        }
    }

    private EventBuilder event(RealmModel realm, UserModel user) {
        return AppPasswordEvents.system(session, realm, user, session.getContext().getConnection());
    }

    private static String detail(Map<String, String> details, String key) {
        return details == null ? null : details.get(key);
    }

    @Override
    public void close() {
    }
}
