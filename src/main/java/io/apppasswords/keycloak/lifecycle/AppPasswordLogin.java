package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import io.apppasswords.keycloak.policy.AttackPolicy;
import io.apppasswords.keycloak.policy.RealmPolicy;
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

import java.util.List;

/**
 * The check a login with an app password makes, whoever asks: the direct-grant step (which turns the outcome
 * into flow answers) or an HTTP endpoint without flow or session. It finds the user (unless an earlier step
 * did), computes one digest whoever the user is, applies every rule, records the use, and fills the event's
 * details; sending the event and answering the caller are the caller's.
 *
 * <p>No outcome is a failure for Keycloak's brute-force detector: app passwords are random (≥ 112 bits), so
 * guessing one is hopeless, while counting wrong ones would let anyone who knows a user name lock that user
 * out of everything from any IMAP prompt. The source is throttled instead ({@link SourceThrottle}).
 */
public final class AppPasswordLogin {

    /** Keycloak's column size for user names and e-mail addresses. */
    public static final int MAX_USERNAME_LENGTH = 255;
    /** {@code Retry-After} of an answer that Keycloak could not decide: a directory restart takes that long. */
    public static final String RETRY_AFTER_SECONDS = "30";

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

        /**
         * The address the rules apply to, {@code null} when there is none: a forwarder that sent no address is
         * never throttled itself (every user behind it would be) and never inside an app password's networks.
         */
        public String endUserIp() {
            return viaForwarder && !forwarded ? null : ip;
        }
    }

    /**
     * One login. {@code user} is the user an earlier step found (then {@code username} is ignored), else
     * {@code null} and the check looks {@code username} up. {@code protocol} is what a trusted forwarder named,
     * {@code null} if none. {@code onlyAppPassword}: the value can be nothing but an app password; false where
     * a later step tries it as the main password, so a miss here is no guess and the source is not throttled.
     */
    public record Attempt(ClientModel client, UserModel user, String username, String value, Source source,
                          AppPasswordProtocol protocol, boolean onlyAppPassword) {
    }

    /**
     * How a login ended; each refusal but {@link #WRONG_VALUE} and {@link #USER_REFUSED} is no guess, and
     * {@link #UNAVAILABLE} is no refusal of the device at all.
     */
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
        PROTOCOL_NOT_ALLOWED,
        /** The right app password from outside its networks, or with no source address known. */
        NETWORK_NOT_ALLOWED,
        /** The source sent too many wrong values lately; the value was not even looked at. */
        SOURCE_THROTTLED,
        /**
         * Keycloak cannot decide: no user was found, or a federated one, and a user federation that may hold them
         * does not answer ({@link UserFederation}). Callers answer "try again later", never "wrong password".
         */
        UNAVAILABLE
    }

    /**
     * The outcome: {@code user} is whom the login named ({@code null} if nobody, or not looked up), {@code
     * credential} the accepted app password, {@code error} the event error of a refusal ({@code null} when
     * accepted).
     */
    public record Outcome(Result result, UserModel user, AppPasswordCredentialModel credential, String error) {

        public boolean accepted() {
            return result == Result.ACCEPTED;
        }
    }

    /** Checks {@code attempt}; {@code event} gets the user and details (never the value), not its error. */
    public Outcome check(Attempt attempt, EventBuilder event) {
        event.detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE);
        String ip = attempt.source().endUserIp();
        event.detail(AppPasswordDetails.SOURCE_IP, ip == null ? "none" : ip);
        AttackPolicy attacks = RealmPolicy.attacks(realm);
        SourceThrottle throttle = attempt.onlyAppPassword() && ip != null ? new SourceThrottle(session, realm, attacks) : null;
        if (throttle != null && throttle.isThrottled(ip) && !throttle.signedInFrom(ip, attempt.value())) {
            // Refused before any lookup: a throttled source costs two store lookups, whatever it sends.
            if (attempt.user() != null) {
                event.user(attempt.user());
            } else {
                usernameDetail(attempt.username(), event);
            }
            event.detail(Details.REASON, "too many wrong values from " + ip);
            return new Outcome(Result.SOURCE_THROTTLED, attempt.user(), null, AppPasswordError.SOURCE_THROTTLED.code());
        }
        UserModel user;
        try {
            user = attempt.user() != null ? attempt.user() : lookup(attempt.username(), event);
        } catch (RuntimeException e) {
            // Keycloak's user cache asks the directory for a user it has seen by id, and lets its failure through.
            return unavailable(event, null, UserFederation.unreachable(session, realm, null).orElseThrow(() -> e));
        }
        if (user != null) {
            event.user(user);
        }
        // Keycloak reports a user it cannot reach as unknown and serves a federated one from its copy: before
        // anything is refused or accepted, the directory the user lives in (or may live in) must answer.
        String unreachable = UserFederation.unreachable(session, realm, user).orElse(null);
        if (unreachable != null) {
            return unavailable(event, user, unreachable);
        }

        // Digest first, whoever the user is: an unknown, disabled or locked user costs what a wrong value does.
        AppPasswordCredentialProvider.Recognised match =
                AppPasswordCredentialProvider.of(session).recognise(user, attempt.value());
        boolean guess = match.live().isEmpty() && match.remembered().isEmpty();
        if (guess && throttle != null) {
            counted(throttle, ip, user, attempt);
        }
        String refusal = userRefusal(user, attacks);
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
        if (!credential.allowsSource(ip)) {
            // Fail closed as well: behind a forwarder that sent no address, the source is unknown.
            event.detail(Details.REASON, ip == null ? "trusted client sent no source address"
                    : "source " + ip + " outside the networks of this app password");
            return new Outcome(Result.NETWORK_NOT_ALLOWED, user, null, AppPasswordError.NETWORK_NOT_ALLOWED.code());
        }
        LastUse.record(session, user, credential,
                new LastUse.Caller(attempt.source().ip(), attempt.client().getClientId(), protocol),
                Time.currentTimeMillis(), lastUseIntervalMillis);
        if (throttle != null) {
            throttle.accepted(ip, attempt.value());
        }
        return new Outcome(Result.ACCEPTED, user, credential, null);
    }

    /** Keycloak cannot decide: the user federation named {@code federation} does not answer. */
    private static Outcome unavailable(EventBuilder event, UserModel user, String federation) {
        event.detail(Details.REASON, "user federation " + federation + " does not answer");
        return new Outcome(Result.UNAVAILABLE, user, null, AppPasswordError.TEMPORARILY_UNAVAILABLE.code());
    }

    /**
     * A wrong value from {@code ip}: counted against the source once per distinct value, and against the user;
     * the user is told (once a day) when their name draws many.
     */
    private void counted(SourceThrottle throttle, String ip, UserModel user, Attempt attempt) {
        String who = user != null ? user.getId() : String.valueOf(attempt.username());
        if (!throttle.wrongValue(ip, who, attempt.value()) || user == null || !AppPasswordMailer.canMail(realm, user)) {
            return;
        }
        List<String> ips = throttle.guessAtUser(user.getId(), ip);
        if (ips != null) {
            AppPasswordMailer.attacked(session, realm, user, SourceThrottle.NOTICE_THRESHOLD, ips);
        }
    }

    /** The user named by {@code username}, {@code null} if none (the event records what was asked for). */
    private UserModel lookup(String username, EventBuilder event) {
        if (!usernameDetail(username, event)) {
            return null;
        }
        try {
            UserModel user = KeycloakModelUtils.findUserByNameOrEmail(session, realm, username);
            return user == null || user.getServiceAccountClientLink() != null ? null : user;
        } catch (ModelDuplicateException e) {
            return null;
        }
    }

    /** Records what was asked for; whether {@code username} can name an account at all. */
    private static boolean usernameDetail(String username, EventBuilder event) {
        if (username == null) {
            return false;
        }
        if (username.length() > MAX_USERNAME_LENGTH) {
            // no account can have it; do not send it to the database or whole into an event
            event.detail(Details.USERNAME, username.substring(0, MAX_USERNAME_LENGTH));
            return false;
        }
        event.detail(Details.USERNAME, username);
        return true;
    }

    /** Why this user may not log in at all, as an event error; {@code null} if they may. */
    private String userRefusal(UserModel user, AttackPolicy attacks) {
        if (user == null) {
            return Errors.USER_NOT_FOUND;
        }
        if (!user.isEnabled()) {
            return Errors.USER_DISABLED; // also Keycloak's permanent lockout, which disables the user
        }
        return switch (lockout(user)) {
            case PERMANENT -> Errors.USER_TEMPORARILY_DISABLED;
            // Before 26.7 the grant's success would lift the lockout for whoever is guessing the main password.
            case TEMPORARY -> attacks.lockoutStopsAppPasswords() || KeycloakLine.CLEARS_LOCKOUT_ON_ANY_LOGIN
                    ? Errors.USER_TEMPORARILY_DISABLED : null;
            case NONE -> null;
        };
    }

    private enum Lockout { NONE, TEMPORARY, PERMANENT }

    /**
     * The lockout state read straight from the user's login-failure record. Unlike the protector's own
     * checks this never refuses a login merely because another login of the same user is in progress.
     */
    private Lockout lockout(UserModel user) {
        if (!realm.isBruteForceProtected()) {
            return Lockout.NONE;
        }
        UserLoginFailureModel failures = session.loginFailures().getUserLoginFailure(realm, user.getId());
        if (failures == null) {
            return Lockout.NONE;
        }
        if (realm.isPermanentLockout() && failures.getNumTemporaryLockouts() > realm.getMaxTemporaryLockouts()) {
            return Lockout.PERMANENT;
        }
        return Time.currentTime() < failures.getFailedLoginNotBefore() ? Lockout.TEMPORARY : Lockout.NONE;
    }
}
