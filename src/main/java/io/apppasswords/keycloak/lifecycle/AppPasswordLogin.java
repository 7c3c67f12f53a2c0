package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserLoginFailureModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The check a login with an app password makes, whoever asks: the direct-grant step (which turns the outcome
 * into flow answers) or an HTTP endpoint without flow or session. It finds the user (unless an earlier step
 * did), computes one digest whoever the user is, applies every rule, records the use, and fills the event's
 * details; sending the event and answering the caller are the caller's.
 */
public final class AppPasswordLogin {

    /** Keycloak's column size for user names and e-mail addresses. */
    public static final int MAX_USERNAME_LENGTH = 255;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final long lastUseIntervalMillis;

    /** @param lastUseIntervalMillis an app password's last use is recorded at most once per this interval */
    public AppPasswordLogin(KeycloakSession session, RealmModel realm, long lastUseIntervalMillis) {
        this.session = session;
        this.realm = realm;
        this.lastUseIntervalMillis = lastUseIntervalMillis;
    }

    /**
     * Where a login comes from. {@code ip} is the mail app's address when a trusted forwarder sent one
     * ({@code forwarded}), otherwise the caller's own; {@code viaForwarder} says a trusted forwarder made the
     * call (so without {@code forwarded}, {@code ip} is the forwarder's own address).
     */
    public record Source(String ip, boolean viaForwarder, boolean forwarded) {

        /** A caller that speaks for itself. */
        public static Source direct(String ip) {
            return new Source(ip, false, false);
        }

        /** A trusted forwarder at {@code forwarderIp} that sent {@code endUserIp} (an IP literal or {@code null}). */
        public static Source forwarder(String forwarderIp, String endUserIp) {
            return endUserIp == null ? new Source(forwarderIp, true, false) : new Source(endUserIp, true, true);
        }
    }

    /**
     * One login. {@code user} is the user an earlier step found (then {@code username} is ignored), else
     * {@code null} and the check looks {@code username} up. {@code protocol} is what a trusted forwarder named,
     * {@code null} if none.
     */
    public record Attempt(ClientModel client, UserModel user, String username, String value, Source source,
                          AppPasswordProtocol protocol) {
    }

    /** How a login ended; each refusal but {@link #WRONG_VALUE} is no guess at the value. */
    public enum Result {
        ACCEPTED,
        /** Not one of the user's app passwords, live or recently ended. */
        WRONG_VALUE,
        /** Unknown, disabled or locked user, whatever the value. */
        USER_REFUSED,
        /** One of the user's app passwords that has ended: a stale device. */
        ENDED,
        /** The right app password through a client it is not allowed for. */
        CLIENT_NOT_ALLOWED,
        /** The right app password for a protocol it is not allowed for, or with none named. */
        PROTOCOL_NOT_ALLOWED
    }

    /**
     * The outcome: {@code user} is whom the login named ({@code null} if nobody), {@code credential} the
     * accepted app password, {@code error} the event error of a refusal ({@code null} when accepted).
     */
    public record Outcome(Result result, UserModel user, AppPasswordCredentialModel credential, String error) {

        public boolean accepted() {
            return result == Result.ACCEPTED;
        }
    }

    /** Checks {@code attempt}; {@code event} gets the user and details (never the value), not its error. */
    public Outcome check(Attempt attempt, EventBuilder event) {
        event.detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE);
        UserModel user = attempt.user() != null ? attempt.user() : lookup(attempt.username(), event);

        // Digest first, whoever the user is: an unknown, disabled or locked user costs what a wrong value does.
        AppPasswordCredentialProvider.Recognised match =
                AppPasswordCredentialProvider.of(session).recognise(user, attempt.value());

        if (user != null) {
            event.user(user);
        }
        String refusal = userRefusal(user);
        if (refusal != null) {
            return new Outcome(Result.USER_REFUSED, user, null, refusal);
        }
        EndedAppPasswords endedOnes = new EndedAppPasswords(session, realm);
        EndedAppPasswords.Presented presented = endedOnes.classify(user, match,
                AppPasswordEvents.system(session, realm, user, session.getContext().getConnection()));
        if (presented.ended() != null) {
            EndedAppPasswords.Ended ended = presented.ended();
            endedOnes.refused(event, user, ended, attempt.source().ip(), attempt.client().getClientId());
            return new Outcome(Result.ENDED, user, null, ended.reason().refusal().code());
        }
        AppPasswordCredentialModel credential = presented.usable();
        if (credential == null) {
            return new Outcome(Result.WRONG_VALUE, user, null, Errors.INVALID_USER_CREDENTIALS);
        }
        event.detail(Details.CREDENTIAL_ID, credential.getId())
                .detail(AppPasswordDetails.APP_PASSWORD_NAME, credential.getUserLabel());
        if (!credential.allowsClient(attempt.client().getClientId())) {
            event.detail(Details.REASON, "client not allowed for this app password");
            return new Outcome(Result.CLIENT_NOT_ALLOWED, user, null, Errors.NOT_ALLOWED);
        }
        AppPasswordProtocol protocol = attempt.protocol();
        event.detail(AppPasswordDetails.APP_PASSWORD_PROTOCOL, protocol == null ? "none" : protocol.id());
        if (!credential.allowsProtocol(protocol)) {
            // Fail closed: a limited app password needs a trusted client that names an allowed protocol.
            event.detail(Details.REASON, protocol == null ? "client did not name a protocol"
                    : "protocol not allowed for this app password");
            return new Outcome(Result.PROTOCOL_NOT_ALLOWED, user, null, Errors.NOT_ALLOWED);
        }
        LastUse.record(session, user, credential,
                new LastUse.Caller(attempt.source().ip(), attempt.client().getClientId(), protocol),
                Time.currentTimeMillis(), lastUseIntervalMillis);
        return new Outcome(Result.ACCEPTED, user, credential, null);
    }

    /** The user named by {@code username}, {@code null} if none (the event records what was asked for). */
    private UserModel lookup(String username, EventBuilder event) {
        if (username == null) {
            return null;
        }
        if (username.length() > MAX_USERNAME_LENGTH) {
            // no account can have it; do not send it to the database or whole into an event
            event.detail(Details.USERNAME, username.substring(0, MAX_USERNAME_LENGTH));
            return null;
        }
        event.detail(Details.USERNAME, username);
        try {
            UserModel user = KeycloakModelUtils.findUserByNameOrEmail(session, realm, username);
            return user == null || user.getServiceAccountClientLink() != null ? null : user;
        } catch (ModelDuplicateException e) {
            return null;
        }
    }

    /** Why this user may not log in at all, as an event error; {@code null} if they may. */
    private String userRefusal(UserModel user) {
        if (user == null) {
            return Errors.USER_NOT_FOUND;
        }
        if (!user.isEnabled()) {
            return Errors.USER_DISABLED;
        }
        if (isLockedOut(user)) {
            return Errors.USER_TEMPORARILY_DISABLED;
        }
        return null;
    }

    /**
     * The lockout state read straight from the user's login-failure record. Unlike the protector's own
     * checks this never refuses a login merely because another login of the same user is in progress.
     */
    private boolean isLockedOut(UserModel user) {
        if (!realm.isBruteForceProtected()) {
            return false;
        }
        UserLoginFailureModel failures = session.loginFailures().getUserLoginFailure(realm, user.getId());
        if (failures == null) {
            return false;
        }
        if (Time.currentTime() < failures.getFailedLoginNotBefore()) {
            return true;
        }
        return realm.isPermanentLockout() && failures.getNumTemporaryLockouts() > realm.getMaxTemporaryLockouts();
    }
}
