package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import io.apppasswords.keycloak.credential.AppPasswordName;
import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import io.apppasswords.keycloak.credential.AppPasswordSecret;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.policy.Eligibility;
import io.apppasswords.keycloak.policy.PasswordChange;
import io.apppasswords.keycloak.policy.RealmPolicy;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one way app passwords begin and end. Every path (the creation page, both REST APIs, the login step,
 * the event listener, the clean-up) comes here, so a rule about creating or ending one is written once:
 * the realm's policy, the transaction, the event with its reason, the e-mail. What an ended one still means
 * to a login is {@link EndedAppPasswords}.
 */
public final class AppPasswords {

    private static final Logger LOG = Logger.getLogger(AppPasswords.class);
    private static final int REVOKE_ATTEMPTS = 3;

    private final KeycloakSession session;
    private final RealmModel realm;

    public AppPasswords(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** A new app password and the only copy of its secret there will ever be. */
    public record Created(AppPasswordCredentialModel credential, String secret) {
    }

    /**
     * What a user asks for.
     *
     * @param name      the name as typed; cleaned and checked here
     * @param expiresAt the requested expiry (epoch ms), {@code null} for the policy's default; read inside the
     *                  creation, so that a request it refuses is evented like every other refusal
     * @param clients   client ids to restrict it to, {@code null} or empty for any
     * @param protocols {@link AppPasswordProtocol} ids to limit it to, {@code null} for any (see
     *                  {@link AppPasswordProtocol#limit})
     */
    public record Request(String name, Supplier<Long> expiresAt, List<String> clients, List<String> protocols) {
    }

    /**
     * Checks the name and the realm's policy, stores the digest of a new secret, sends UPDATE_CREDENTIAL (or
     * UPDATE_CREDENTIAL_ERROR for a refusal) and e-mails the user.
     *
     * <p>The count and the insert run in their own transaction while the user's {@link CreateLease} is held:
     * the transaction starts after the previous holder's commit, so it counts every app password created
     * before it, on any node and whatever the database's isolation level.
     *
     * @param event    the request's event builder (user, client, address)
     * @param clientId the client the user created it through, for the e-mail
     * @throws AppPasswordException when a rule is broken
     */
    public Created create(UserModel user, Request request, EventBuilder event, String clientId) {
        Created created;
        try {
            created = store(user, request);
        } catch (AppPasswordException e) {
            AppPasswordEvents.refused(event, e);
            throw e;
        }
        AppPasswordEvents.created(event, created.credential());
        AppPasswordMailer.created(session, realm, user, created.credential(), clientId);
        return created;
    }

    /** Throws the refusal when the policy does not let {@code user} create one now, before any input is asked for. */
    public void checkMayCreate(UserModel user) {
        Eligibility.check(session, realm, user, RealmPolicy.of(realm));
    }

    private Created store(UserModel user, Request request) {
        String name = AppPasswordName.clean(request.name());
        AppPasswordError invalid = AppPasswordName.validate(name);
        if (invalid != null) {
            throw new AppPasswordException(invalid);
        }
        AppPasswordPolicy policy = RealmPolicy.of(realm);
        Eligibility.check(session, realm, user, policy);
        long now = Time.currentTimeMillis();
        Long expiry = policy.effectiveExpiry(request.expiresAt().get(), now);
        List<String> allowedClients = policy.checkClients(request.clients(), id -> realm.getClientByClientId(id) != null);
        List<String> protocols = AppPasswordProtocol.limit(request.protocols());

        String secret = AppPasswordSecret.generate();
        AppPasswordCredentialModel model = AppPasswordCredentialModel.create(name, secret, now, expiry, allowedClients,
                protocols);
        String realmId = realm.getId();
        String userId = user.getId();
        CredentialModel saved;
        try (CreateLease ignored = CreateLease.acquire(session, realm, user)) {
            saved = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                    session.getContext(), tx -> insert(tx, realmId, userId, model, policy), "create app password");
        }
        return new Created(AppPasswordCredentialModel.from(saved), secret);
    }

    private static CredentialModel insert(KeycloakSession tx, String realmId, String userId,
                                          AppPasswordCredentialModel model, AppPasswordPolicy policy) {
        RealmModel realm = tx.realms().getRealm(realmId);
        UserModel user = realm == null ? null : tx.users().getUserById(realm, userId);
        if (user == null) {
            throw new AppPasswordException(AppPasswordError.NOT_ALLOWED); // deleted meanwhile
        }
        AppPasswordError clash = AppPasswordName.clash(model.getUserLabel(),
                user.credentialManager().getStoredCredentialsStream());
        if (clash != null) {
            throw new AppPasswordException(clash);
        }
        AppPasswordCredentialProvider provider = AppPasswordCredentialProvider.of(tx);
        policy.checkCount(provider.list(user).count());
        CredentialModel saved;
        try {
            saved = provider.createCredential(realm, user, model);
        } catch (ModelDuplicateException e) {
            // a store that refuses equal labels across types, racing a credential added since the check above
            throw new AppPasswordException(AppPasswordError.NAME_USED_BY_OTHER_CREDENTIAL);
        }
        EndedAppPasswords.remember(user, saved, policy);
        return saved;
    }

    /**
     * Ends one app password on a user's or an admin's request, in a transaction of its own tried up to three
     * times: simultaneous changes to one user's credentials (another revocation, a creation, a last-use stamp)
     * can make Keycloak's store fail a delete with an optimistic-lock error, which nobody revoking an app
     * password may see.
     *
     * @return true if this call ended it, false if it was already gone (a concurrent revocation won)
     */
    public boolean revoke(UserModel user, AppPasswordCredentialModel credential, EndReason reason, EventBuilder event) {
        String userId = user.getId();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= REVOKE_ATTEMPTS; attempt++) {
            try {
                boolean deleted = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                        session.getContext(), tx -> {
                            UserModel fresh = tx.users().getUserById(tx.getContext().getRealm(), userId);
                            return fresh != null && delete(tx, tx.getContext().getRealm(), fresh, credential, reason);
                        }, "revoke app password");
                if (deleted) {
                    AppPasswordEvents.ended(event, credential.getId(), credential.getUserLabel(), reason);
                }
                return deleted;
            } catch (RuntimeException e) {
                last = e;
                LOG.debugf("revoking app password %s failed (attempt %d): %s", credential.getId(), attempt, e.toString());
            }
        }
        throw last;
    }

    /** {@link #revoke} for each of the user's app passwords; returns the ones this call ended. */
    public List<AppPasswordCredentialModel> revokeAll(UserModel user, EndReason reason, EventBuilder event) {
        List<AppPasswordCredentialModel> revoked = new ArrayList<>();
        for (AppPasswordCredentialModel credential : provider().list(user).toList()) {
            if (revoke(user, credential, reason, event)) {
                revoked.add(credential);
            }
        }
        return revoked;
    }

    /**
     * Ends one app password inside the caller's transaction, so it commits or rolls back with the change that
     * caused it (a password change, a login that found it stale, a clean-up run).
     *
     * @return false if it was already gone
     */
    public boolean end(UserModel user, AppPasswordCredentialModel credential, EndReason reason, EventBuilder event) {
        if (!delete(session, realm, user, credential, reason)) {
            return false;
        }
        AppPasswordEvents.ended(event, credential.getId(), credential.getUserLabel(), reason);
        return true;
    }

    /** {@link #end} for each of the user's app passwords; returns how many ended. */
    public int endAll(UserModel user, EndReason reason, EventBuilder event) {
        return (int) provider().list(user).toList().stream().filter(c -> end(user, c, reason, event)).count();
    }

    /**
     * Ends the app passwords made before the user's current password, if the policy revokes on password
     * change; returns how many ended.
     */
    public int endOlderThanPassword(UserModel user, EventBuilder event) {
        AppPasswordPolicy policy = RealmPolicy.of(realm);
        if (!policy.revokeOnPasswordChange()) {
            return 0;
        }
        return (int) provider().list(user).toList().stream()
                .filter(c -> PasswordChange.predates(realm, user, c, policy))
                .filter(c -> end(user, c, EndReason.PASSWORD_CHANGED, event))
                .count();
    }

    /**
     * At login: an app password older than the password, under a policy that revokes on password change,
     * ended now (the change came through a path that sent no event this extension could act on, such as a
     * change made in the user's directory).
     *
     * @return true if it is stale: refuse it
     */
    public boolean endIfPredatesPassword(UserModel user, AppPasswordCredentialModel credential, EventBuilder event) {
        AppPasswordPolicy policy = RealmPolicy.of(realm);
        if (!policy.revokeOnPasswordChange() || !PasswordChange.predates(realm, user, credential, policy)) {
            return false;
        }
        end(user, credential, EndReason.PASSWORD_CHANGED, event); // false only if a concurrent request ended it
        return true;
    }

    /** Deletes the app password's row and has {@link EndedAppPasswords} note when and why it ended. */
    private static boolean delete(KeycloakSession session, RealmModel realm, UserModel user,
                                  AppPasswordCredentialModel credential, EndReason reason) {
        if (!AppPasswordCredentialProvider.of(session).deleteCredential(realm, user, credential.getId())) {
            return false;
        }
        new EndedAppPasswords(session, realm).ended(user, credential, reason);
        return true;
    }

    private AppPasswordCredentialProvider provider() {
        return AppPasswordCredentialProvider.of(session);
    }
}
