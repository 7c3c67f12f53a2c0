package io.apppasswords.keycloak.authenticator;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.IpLiteral;
import io.apppasswords.keycloak.lifecycle.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.lifecycle.AppPasswordLogin;
import io.apppasswords.keycloak.lifecycle.AuthenticatorSettings;
import io.apppasswords.keycloak.lifecycle.RefusalText;
import io.apppasswords.keycloak.lifecycle.SessionNotes;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Direct-grant step that accepts one of the user's app passwords in the {@code password} parameter: it reads
 * the request, asks {@link AppPasswordLogin} (the check every kind of login makes) and turns its outcome into
 * the flow's answers, so the OAuth errors live here, in the layer that speaks HTTP.
 *
 * <p>As the only step of a flow it lets the check resolve the {@code username} itself, instead of Keycloak's
 * username step: that step burns a dummy Argon2 hash for unknown users (a timing oracle next to a cheap
 * digest) and asks the blocking brute-force protector, which refuses a second concurrent login of the same
 * user (mail clients open several connections at once). Here every outcome costs one digest.
 *
 * <p>REQUIRED in a flow: anything but a valid app password gets Keycloak's wrong-password answer, and none
 * counts for Keycloak's brute-force detector (the check throttles the source instead). ALTERNATIVE: a wrong
 * value is "attempted", so the flow's password branch runs (and Keycloak counts the failure there, if the
 * value is a wrong main password too); every other refusal (an ended app password, the wrong client,
 * protocol or network, a throttled source) gets the same answer and is never handed to a password step.
 */
public class AppPasswordAuthenticator implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        EventBuilder event = context.getEvent();

        UserModel known = context.getUser();
        String username = form.getFirst(AuthenticationManager.FORM_USERNAME);
        if (known == null && (username == null || username.isBlank())) {
            event.detail(Details.CREDENTIAL_TYPE, AppPasswordCredentialModel.TYPE)
                    .error(Errors.USER_NOT_FOUND);
            context.failure(AuthenticationFlowError.INVALID_USER,
                    error(Response.Status.UNAUTHORIZED, "invalid_request", "Missing parameter: username"));
            return;
        }
        AuthenticatorSettings settings = AuthenticatorSettings.of(context.getAuthenticatorConfig());
        ClientModel client = context.getAuthenticationSession().getClient();
        AppPasswordLogin.Attempt attempt = new AppPasswordLogin.Attempt(client, known, username,
                form.getFirst("password"), source(context, settings),
                DovecotService.protocol(trustedHeader(context, settings, settings.serviceHeader())),
                !context.getExecution().isAlternative());
        AppPasswordLogin.Outcome outcome = new AppPasswordLogin(context.getSession(), context.getRealm(),
                settings.lastUseIntervalMillis()).check(attempt, event);

        if (outcome.accepted()) {
            succeed(context, outcome, known == null, settings);
        } else if (outcome.result() == AppPasswordLogin.Result.UNAVAILABLE) {
            event.error(outcome.error());
            unavailable(context);
        } else if (outcome.result() == AppPasswordLogin.Result.WRONG_VALUE && context.getExecution().isAlternative()) {
            context.attempted();
        } else {
            event.error(outcome.error());
            refuseUncounted(context);
        }
    }

    private static void succeed(AuthenticationFlowContext context, AppPasswordLogin.Outcome outcome,
                                boolean ownLookup, AuthenticatorSettings settings) {
        UserModel user = outcome.user();
        if (ownLookup) {
            context.setUser(user);
        }
        var authSession = context.getAuthenticationSession();
        authSession.setUserSessionNote(SessionNotes.APP_PASSWORD_ID, outcome.credential().getId());
        authSession.setUserSessionNote(SessionNotes.USERNAME, user.getUsername());
        if (settings.transientSession()) {
            authSession.setClientNote(AuthenticationManager.USER_SESSION_PERSISTENT_STATE,
                    UserSessionModel.SessionPersistenceState.TRANSIENT.toString());
        }
        context.success(AppPasswordCredentialModel.TYPE);
    }

    /**
     * Where the login comes from: the end user's address as a trusted client forwards it (only an IP literal
     * is taken), else the caller's own.
     */
    static AppPasswordLogin.Source source(AuthenticationFlowContext context, AuthenticatorSettings settings) {
        String remote = context.getConnection().getRemoteAddr();
        if (!isTrustedForwarder(context.getAuthenticationSession().getClient(), settings)) {
            return AppPasswordLogin.Source.direct(remote);
        }
        return AppPasswordLogin.Source.forwarder(remote,
                IpLiteral.parse(context.getHttpRequest().getHttpHeaders().getHeaderString(settings.forwardedIpHeader())));
    }

    /**
     * A request header's value if the client the config trusts for it sent it, else {@code null}. Trust needs
     * both: the client is in the list and is confidential (it authenticated with its secret for this grant),
     * so nobody can pick the recorded IP or the protocol by sending the header themselves.
     */
    private static String trustedHeader(AuthenticationFlowContext context, AuthenticatorSettings settings, String header) {
        return isTrustedForwarder(context.getAuthenticationSession().getClient(), settings)
                ? context.getHttpRequest().getHttpHeaders().getHeaderString(header) : null;
    }

    private static boolean isTrustedForwarder(ClientModel client, AuthenticatorSettings settings) {
        return client != null && !client.isPublicClient() && !client.isBearerOnly()
                && settings.trustedForwarders().contains(client.getClientId());
    }

    /**
     * Keycloak's wrong-password answer without a brute-force failure: the flow counts a failed step against
     * the user it names, or the user name an earlier step noted, so both go first (in a flow whose username
     * step ran before this one, too), on every Keycloak line whatever the step's category.
     */
    static void refuseUncounted(AuthenticationFlowContext context) {
        context.clearUser();
        context.getAuthenticationSession().removeAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME);
        invalidCredentials(context);
    }

    /**
     * OAuth's {@code temporarily_unavailable} (RFC 6749, 4.1.2.1), 503 with {@code Retry-After}: Keycloak could
     * not decide, so the mail server says "try again later" instead of "wrong password" (Dovecot answers IMAP
     * clients {@code [UNAVAILABLE]}). Not counted, like every refusal here.
     */
    private static void unavailable(AuthenticationFlowContext context) {
        context.clearUser();
        context.getAuthenticationSession().removeAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME);
        AppPasswordError error = AppPasswordError.TEMPORARILY_UNAVAILABLE;
        context.failure(AuthenticationFlowError.INTERNAL_ERROR, Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, AppPasswordLogin.RETRY_AFTER_SECONDS)
                .entity(new OAuth2ErrorRepresentation(error.code(), RefusalText.of(context.getSession(), null, error)))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build());
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
