package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.lifecycle.SessionNotes;
import io.apppasswords.keycloak.policy.RealmPolicy;
import jakarta.ws.rs.WebApplicationException;
import org.keycloak.common.util.Time;
import org.keycloak.common.util.UriUtils;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.encode.AccessTokenContext;
import org.keycloak.protocol.oidc.encode.TokenContextEncoderProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.Urls;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.util.TokenUtil;

import java.util.Set;

/**
 * Who calls the self-service API, checked before anything is read or changed: an access token of this realm
 * with the {@code account} audience and the {@code manage-account} role (what the account console holds),
 * from an allowed origin, and never a token whose session was opened with an app password: an app password
 * must never list, mint or revoke app passwords.
 */
record AccountCaller(UserModel user, AccessToken token, UserSessionModel userSession) {

    static final String ACCOUNT_ROLE = "manage-account";
    static final String[] METHODS = {"GET", "POST", "DELETE"};

    static AccountCaller authenticate(KeycloakSession session) {
        RealmModel realm = session.getContext().getRealm();
        String tokenString = bearerToken(session);
        AuthenticationManager.AuthResult auth = tokenString == null ? null
                : new AppAuthManager.BearerTokenAuthenticator(session).setTokenString(tokenString).authenticate();
        if (auth == null) {
            // Keycloak finds no session for a token of a transient session that still names one (an app-password
            // grant with refresh tokens on): that is a refusal of the token's kind, not a stale login.
            if (tokenString != null && isValidTransientSessionToken(session, realm, tokenString)) {
                throw appPasswordToken(session, null);
            }
            throw ErrorResponses.error(session, null, AppPasswordError.INVALID_TOKEN);
        }
        AccessToken token = auth.getToken();
        UserModel user = auth.getUser();
        checkOrigin(session, token, user);

        if (user.getServiceAccountClientLink() != null) {
            throw ErrorResponses.error(session, user, AppPasswordError.SERVICE_ACCOUNT);
        }
        UserSessionModel userSession = auth.getSession();
        // A persistent app-password session carries our note. A transient one (the authenticator's default)
        // was never stored: without refresh tokens its token names no session and Keycloak makes up an empty
        // one for the request, so the note is gone and the session's state is what tells.
        if (userSession == null
                || userSession.getPersistenceState() == UserSessionModel.SessionPersistenceState.TRANSIENT
                || userSession.getNote(SessionNotes.APP_PASSWORD_ID) != null) {
            throw appPasswordToken(session, user);
        }
        ClientModel account = realm.getClientByClientId(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        if (account == null || !token.hasAudience(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID)) {
            throw ErrorResponses.error(session, user, AppPasswordError.AUDIENCE_MISSING);
        }
        AccessToken.Access access = token.getResourceAccess(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        RoleModel role = account.getRole(ACCOUNT_ROLE);
        if (access == null || !access.isUserInRole(ACCOUNT_ROLE) || role == null || !user.hasRole(role)) {
            throw ErrorResponses.error(session, user, AppPasswordError.ROLE_MISSING);
        }
        return new AccountCaller(user, token, userSession);
    }

    /** Creating needs a login within the action's {@code max_auth_age}. */
    void requireRecentLogin(KeycloakSession session) {
        // The token's auth_time, else the session's; a direct-grant session records neither, and its
        // start is then its (only) login.
        Long authTime = token.getAuth_time();
        if (authTime == null && userSession != null) {
            String note = userSession.getNote(AuthenticationManager.AUTH_TIME);
            authTime = note != null ? Long.valueOf(note) : Long.valueOf(userSession.getStarted());
        }
        int maxAge = RealmPolicy.maxAuthAge(session.getContext().getRealm());
        if (authTime == null || authTime + maxAge < Time.currentTime()) {
            throw ErrorResponses.error(session, user, AppPasswordError.REAUTHENTICATION_REQUIRED, String.valueOf(maxAge));
        }
    }

    /**
     * A browser may call from the Keycloak origin or from one the token's client lists as a web origin; any
     * other origin is refused before anything is read or changed. Keycloak's Cors helper has no check that
     * exists on every 26.x line, so it is only asked to echo an origin accepted here.
     */
    private static void checkOrigin(KeycloakSession session, AccessToken token, UserModel user) {
        String origin = session.getContext().getRequestHeaders().getHeaderString("Origin");
        if (origin == null) {
            return;
        }
        Set<String> allowed = token.getAllowedOrigins() == null ? Set.of() : token.getAllowedOrigins();
        if (allowed.contains(origin) || allowed.contains("*")) {
            Cors.builder().allowAllOrigins().allowedMethods(METHODS).auth().add();
        } else if (!origin.equals(UriUtils.getOrigin(session.getContext().getUri().getRequestUri()))) {
            throw ErrorResponses.error(session, user, AppPasswordError.INVALID_ORIGIN);
        }
    }

    /** The bearer token of the request, {@code null} when there is none or the header is not a bearer one. */
    private static String bearerToken(KeycloakSession session) {
        try {
            AppAuthManager.AuthHeader header =
                    AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull(session.getContext().getRequestHeaders());
            return header == null ? null : header.getToken();
        } catch (jakarta.ws.rs.NotAuthorizedException e) {
            return null; // more than one Authorization header
        }
    }

    /**
     * Whether the token is one this realm signed, unexpired, of type Bearer, issued for a transient user
     * session. Only then is it worth a 403: a forged or expired token stays a plain 401.
     */
    private static boolean isValidTransientSessionToken(KeycloakSession session, RealmModel realm, String tokenString) {
        try {
            AccessToken token = session.tokens().decode(tokenString, AccessToken.class);
            if (token == null || !token.isActive() || !TokenUtil.TOKEN_TYPE_BEARER.equalsIgnoreCase(token.getType())
                    || !Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()).equals(token.getIssuer())
                    || token.getId() == null) {
                return false;
            }
            AccessTokenContext context = session.getProvider(TokenContextEncoderProvider.class)
                    .getTokenContextFromTokenId(token.getId());
            return context.getSessionType() == AccessTokenContext.SessionType.TRANSIENT;
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private static WebApplicationException appPasswordToken(KeycloakSession session, UserModel user) {
        return ErrorResponses.error(session, user, AppPasswordError.APP_PASSWORD_TOKEN);
    }
}
