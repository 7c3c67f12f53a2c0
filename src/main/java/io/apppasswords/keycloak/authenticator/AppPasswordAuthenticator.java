package io.apppasswords.keycloak.authenticator;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import io.apppasswords.keycloak.credential.LastUse;
import io.apppasswords.keycloak.lifecycle.AppPasswordDetails;
import io.apppasswords.keycloak.lifecycle.AppPasswordEvents;
import io.apppasswords.keycloak.lifecycle.AuthenticatorSettings;
import io.apppasswords.keycloak.lifecycle.EndedAppPasswords;
import io.apppasswords.keycloak.lifecycle.SessionNotes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
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
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Direct-grant step that accepts one of the user's app passwords in the {@code password} parameter.
 *
 * <p>As the only step of a flow it also resolves the {@code username} itself, instead of Keycloak's
 * username step: that step burns a dummy Argon2 hash for unknown users (a timing oracle next to a cheap
 * digest) and asks the blocking brute-force protector, which refuses a second concurrent login of the same
 * user (mail clients open several connections at once). Here every outcome costs one digest.
 *
 * <p>REQUIRED in a flow: anything but a valid app password gets Keycloak's wrong-password answer and counts
 * as a failed password login. ALTERNATIVE: no match is "attempted", so the flow's password branch runs
 * (and counts the failure once, if the value is wrong there too). In both, one of the user's own ended app
 * passwords (an old device) gets the same answer without counting, and is never handed to a password step.
 */
public class AppPasswordAuthenticator implements Authenticator {

    /** Keycloak's column size for user names and e-mail addresses. */
    static final int MAX_USERNAME_LENGTH = 255;

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        EventBuilder event = context.getEvent().detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE);

        UserModel user = context.getUser();
        boolean ownLookup = user == null;
        if (ownLookup) {
            String username = form.getFirst(AuthenticationManager.FORM_USERNAME);
            if (username == null || username.isBlank()) {
                event.error(Errors.USER_NOT_FOUND);
                context.failure(AuthenticationFlowError.INVALID_USER,
                        error(Response.Status.UNAUTHORIZED, "invalid_request", "Missing parameter: username"));
                return;
            }
            user = lookup(context, username, event);
        }

        // Digest first, whoever the user is: an unknown, disabled or locked user costs what a wrong value does.
        AppPasswordCredentialProvider.Recognised match =
                AppPasswordCredentialProvider.of(context.getSession()).recognise(user, form.getFirst("password"));

        if (user != null) {
            event.user(user);
        }
        String refusal = userRefusal(context, user);
        if (refusal != null) {
            event.error(refusal);
            invalidCredentials(context);
            return;
        }
        AuthenticatorSettings settings = AuthenticatorSettings.of(context.getAuthenticatorConfig());
        AppPasswordProtocol protocol = DovecotService.protocol(trustedHeader(context, settings, settings.serviceHeader()));
        AppPasswordCredentialModel credential = usable(context, user, match, settings, protocol, event);
        if (credential != null) {
            succeed(context, user, credential, ownLookup, settings, protocol);
        }
    }

    /** The user named by {@code username}, {@code null} if none (the event records what was asked for). */
    private static UserModel lookup(AuthenticationFlowContext context, String username, EventBuilder event) {
        if (username.length() > MAX_USERNAME_LENGTH) {
            // no account can have it; do not send it to the database or whole into an event
            event.detail(Details.USERNAME, username.substring(0, MAX_USERNAME_LENGTH));
            return null;
        }
        event.detail(Details.USERNAME, username);
        try {
            UserModel user = KeycloakModelUtils.findUserByNameOrEmail(context.getSession(), context.getRealm(), username);
            return user == null || user.getServiceAccountClientLink() != null ? null : user;
        } catch (ModelDuplicateException e) {
            return null;
        }
    }

    /** Why this user may not log in at all, as an event error; {@code null} if they may. */
    private static String userRefusal(AuthenticationFlowContext context, UserModel user) {
        if (user == null) {
            return Errors.USER_NOT_FOUND;
        }
        if (!user.isEnabled()) {
            return Errors.USER_DISABLED;
        }
        if (isLockedOut(context.getSession(), context.getRealm(), user)) {
            return Errors.USER_TEMPORARILY_DISABLED;
        }
        return null;
    }

    /**
     * The matched app password if it may be used here and now; otherwise the refusal is answered and the
     * result is {@code null}.
     */
    private AppPasswordCredentialModel usable(AuthenticationFlowContext context, UserModel user,
                                              AppPasswordCredentialProvider.Recognised match,
                                              AuthenticatorSettings settings, AppPasswordProtocol protocol,
                                              EventBuilder event) {
        EndedAppPasswords endedOnes = new EndedAppPasswords(context.getSession(), context.getRealm());
        EndedAppPasswords.Presented presented = endedOnes.classify(user, match, AppPasswordEvents.system(
                context.getSession(), context.getRealm(), user, context.getConnection()));
        if (presented.ended() != null) {
            refuseEnded(context, user, presented.ended(), event, endedOnes, settings);
            return null;
        }
        AppPasswordCredentialModel credential = presented.usable();
        if (credential == null) {
            noMatch(context, user);
            return null;
        }
        event.detail(Details.CREDENTIAL_ID, credential.getId())
                .detail(AppPasswordDetails.APP_PASSWORD_NAME, credential.getUserLabel());
        if (!credential.allowsClient(context.getAuthenticationSession().getClient().getClientId())) {
            // The right secret through the wrong door: refused, but not a guessing attempt worth a lockout.
            event.detail(Details.REASON, "client not allowed for this app password").error(Errors.NOT_ALLOWED);
            refuseUncounted(context);
            return null;
        }
        event.detail(AppPasswordDetails.APP_PASSWORD_PROTOCOL, protocol == null ? "none" : protocol.id());
        if (!credential.allowsProtocol(protocol)) {
            // Fail closed: a limited app password needs a trusted client that names an allowed protocol.
            event.detail(Details.REASON, protocol == null ? "client did not name a protocol"
                    : "protocol not allowed for this app password").error(Errors.NOT_ALLOWED);
            refuseUncounted(context);
            return null;
        }
        return credential;
    }

    /**
     * One of the user's own app passwords that has ended: a stale device, not a guess. Refused like a wrong
     * value, not counted (in the mixed flow not handed to the password step either), and the user is told.
     */
    private static void refuseEnded(AuthenticationFlowContext context, UserModel user, EndedAppPasswords.Ended ended,
                                    EventBuilder event, EndedAppPasswords endedOnes, AuthenticatorSettings settings) {
        String code = ended.reason().refusal().code();
        event.detail(Details.CREDENTIAL_ID, ended.appPasswordId())
                .detail(AppPasswordDetails.APP_PASSWORD_NAME, ended.name())
                .detail(Details.REASON, code)
                .error(code);
        String clientId = context.getAuthenticationSession().getClient().getClientId();
        endedOnes.used(user, ended, clientIp(context, settings), clientId);
        refuseUncounted(context);
    }

    private static void succeed(AuthenticationFlowContext context, UserModel user, AppPasswordCredentialModel credential,
                                boolean ownLookup, AuthenticatorSettings settings, AppPasswordProtocol protocol) {
        String clientId = context.getAuthenticationSession().getClient().getClientId();
        LastUse.record(context.getSession(), user, credential,
                new LastUse.Caller(clientIp(context, settings), clientId, protocol),
                Time.currentTimeMillis(), settings.lastUseIntervalMillis());
        if (ownLookup) {
            context.setUser(user);
        }
        var authSession = context.getAuthenticationSession();
        authSession.setUserSessionNote(SessionNotes.APP_PASSWORD_ID, credential.getId());
        authSession.setUserSessionNote(SessionNotes.USERNAME, user.getUsername());
        if (settings.transientSession()) {
            authSession.setClientNote(AuthenticationManager.USER_SESSION_PERSISTENT_STATE,
                    UserSessionModel.SessionPersistenceState.TRANSIENT.toString());
        }
        context.success(AppPasswordCredentialModel.TYPE);
    }

    private void noMatch(AuthenticationFlowContext context, UserModel user) {
        if (context.getExecution().isAlternative()) {
            context.attempted();
            return;
        }
        // The flow counts a failed step against the user it names (our factory's category is "password"):
        // naming the user only here leaves the other refusals uncounted, as Keycloak's username step does.
        context.setUser(user);
        context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
        invalidCredentials(context);
    }

    /** The caller's address, or the end user's as a trusted client forwards it; only an IP literal is taken. */
    static String clientIp(AuthenticationFlowContext context, AuthenticatorSettings settings) {
        String ip = IpLiteral.parse(trustedHeader(context, settings, settings.forwardedIpHeader()));
        return ip == null ? context.getConnection().getRemoteAddr() : ip;
    }

    /**
     * A request header's value if the client the config trusts for it sent it, else {@code null}. Trust needs
     * both: the client is in the list and is confidential (it authenticated with its secret for this grant),
     * so nobody can pick the recorded IP or the protocol by sending the header themselves.
     */
    private static String trustedHeader(AuthenticationFlowContext context, AuthenticatorSettings settings, String header) {
        ClientModel client = context.getAuthenticationSession().getClient();
        if (client == null || client.isPublicClient() || client.isBearerOnly()
                || !settings.trustedForwarders().contains(client.getClientId())) {
            return null;
        }
        return context.getHttpRequest().getHttpHeaders().getHeaderString(header);
    }

    /**
     * Keycloak's wrong-password answer without a brute-force failure: the flow counts a failed step against
     * the user it names, or the user name an earlier step noted, so both go first (in a flow whose username
     * step ran before this one, too). For a value that is no guess: the right secret through the wrong door.
     */
    static void refuseUncounted(AuthenticationFlowContext context) {
        context.clearUser();
        context.getAuthenticationSession().removeAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME);
        invalidCredentials(context);
    }

    private static void invalidCredentials(AuthenticationFlowContext context) {
        context.failure(AuthenticationFlowError.INVALID_CREDENTIALS,
                error(Response.Status.BAD_REQUEST, "invalid_grant", "Invalid user credentials"));
    }

    private static Response error(Response.Status status, String error, String description) {
        return Response.status(status)
                .entity(new OAuth2ErrorRepresentation(error, description))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    /**
     * The lockout state read straight from the user's login-failure record. Unlike the protector's own
     * checks this never refuses a login merely because another login of the same user is in progress.
     */
    static boolean isLockedOut(KeycloakSession session, RealmModel realm, UserModel user) {
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

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    /** The step finds the user itself when no earlier step did. */
    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return AppPasswordCredentialProvider.of(session).isConfiguredFor(realm, user, AppPasswordCredentialModel.TYPE);
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
