package io.apppasswords.keycloak.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.apppasswords.keycloak.AppPasswordDetails;
import io.apppasswords.keycloak.AppPasswordEvents;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordException;
import io.apppasswords.keycloak.notification.AppPasswordMailer;
import io.apppasswords.keycloak.policy.AppPasswordPolicies;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.Time;
import org.keycloak.common.util.UriUtils;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.protocol.oidc.encode.AccessTokenContext;
import org.keycloak.protocol.oidc.encode.TokenContextEncoderProvider;
import org.keycloak.services.Urls;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.util.TokenUtil;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * Self-service API under {@code /realms/{realm}/app-passwords}: the caller's own app passwords.
 *
 * <p>Callers need an access token of this realm with the {@code account} audience and the
 * {@code manage-account} role, i.e. what the account console holds. A token whose session was opened with
 * an app password is refused: an app password must never list, mint or revoke app passwords.
 */
public class AppPasswordResource {

    static final String ACCOUNT_ROLE = "manage-account";
    /** Larger bodies cannot be a valid request; refusing them early keeps hostile input cheap. */
    static final int MAX_BODY = 16 * 1024;

    private static final ObjectMapper STRICT_JSON = strictJson();

    private final KeycloakSession session;
    private final RealmModel realm;

    /** Unknown fields and values of the wrong JSON type are errors, not silently ignored or coerced. */
    private static ObjectMapper strictJson() {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    public AppPasswordResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** CORS preflight for the collection itself ({@code GET}, {@code POST}); the path below does not match it. */
    @OPTIONS
    public Response preflightCollection() {
        return preflight();
    }

    @OPTIONS
    @Path("{any:.*}")
    public Response preflight() {
        return Cors.builder().preflight().allowedMethods("GET", "POST", "DELETE").auth()
                .add(Response.ok());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<AppPasswordRepresentation> list() {
        Caller caller = authenticate();
        return provider().list(caller.user()).map(AppPasswordRepresentation::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        Caller caller = authenticate();
        requireRecentLogin(caller);
        AppPasswordCreateRequest request = parse(body);
        Long expiresAt = parseExpiry(request.expiresAt);

        AppPasswordCredentialProvider.Created created;
        try {
            created = provider().create(realm, caller.user(), request.name, expiresAt, request.clients);
        } catch (AppPasswordException e) {
            AppPasswordEvents.refused(event(caller), e);
            throw refusal(e);
        }
        AppPasswordEvents.created(event(caller), created.credential());
        AppPasswordMailer.created(session, realm, caller.user(), created.credential(), caller.token().getIssuedFor());

        AppPasswordRepresentation rep = AppPasswordRepresentation.of(created.credential());
        rep.password = created.secret();
        return Response.created(session.getContext().getUri().getAbsolutePathBuilder()
                        .path(created.credential().getId()).build())
                .entity(rep)
                .build();
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        Caller caller = authenticate();
        AppPasswordCredentialModel credential = provider().list(caller.user())
                .filter(c -> c.getId().equals(id))
                .findFirst()
                .orElseThrow(() -> ErrorResponses.error(Response.Status.NOT_FOUND, "not_found",
                        "No app password with this id."));
        if (provider().revoke(realm, caller.user(), id)) {
            AppPasswordEvents.removed(event(caller), credential);
        }
        return Response.noContent().build();
    }

    private record Caller(UserModel user, AccessToken token, UserSessionModel userSession) {
    }

    /**
     * A browser may call from the Keycloak origin or from one the token's client lists as a web origin; any
     * other origin is refused before anything is read or changed. Keycloak's Cors helper has no check that
     * exists on every 26.x line, so it is only asked to echo an origin accepted here.
     */
    private void checkOrigin(AccessToken token) {
        String origin = session.getContext().getRequestHeaders().getHeaderString("Origin");
        if (origin == null) {
            return;
        }
        Set<String> allowed = token.getAllowedOrigins() == null ? Set.of() : token.getAllowedOrigins();
        if (allowed.contains(origin) || allowed.contains("*")) {
            Cors.builder().allowAllOrigins().allowedMethods("GET", "POST", "DELETE").auth().add();
        } else if (!origin.equals(UriUtils.getOrigin(session.getContext().getUri().getRequestUri()))) {
            throw forbidden("invalid_origin", "Requests from this origin are not allowed for the token's client.");
        }
    }

    private Caller authenticate() {
        String tokenString = bearerToken();
        AuthenticationManager.AuthResult auth = tokenString == null ? null
                : new AppAuthManager.BearerTokenAuthenticator(session).setTokenString(tokenString).authenticate();
        if (auth == null) {
            // Keycloak finds no session for a token of a transient session that still names one (an app-password
            // grant with refresh tokens on): that is a refusal of the token's kind, not a stale login.
            if (tokenString != null && isValidTransientSessionToken(tokenString)) {
                throw appPasswordToken();
            }
            throw ErrorResponses.error(Response.Status.UNAUTHORIZED, "invalid_token", "A valid bearer token is required.");
        }
        AccessToken token = auth.getToken();
        checkOrigin(token);

        UserModel user = auth.getUser();
        if (user.getServiceAccountClientLink() != null) {
            throw forbidden("insufficient_scope", "Service accounts have no app passwords.");
        }
        UserSessionModel userSession = auth.getSession();
        // A persistent app-password session carries our note. A transient one (the authenticator's default)
        // was never stored: without refresh tokens its token names no session and Keycloak makes up an empty
        // one for the request, so the note is gone and the session's state is what tells.
        if (userSession == null
                || userSession.getPersistenceState() == UserSessionModel.SessionPersistenceState.TRANSIENT
                || userSession.getNote(AppPasswordDetails.NOTE_APP_PASSWORD_ID) != null) {
            throw appPasswordToken();
        }
        ClientModel account = realm.getClientByClientId(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        if (account == null || !token.hasAudience(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID)) {
            throw forbidden("insufficient_scope", "The token's audience must include 'account'.");
        }
        AccessToken.Access access = token.getResourceAccess(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        RoleModel role = account.getRole(ACCOUNT_ROLE);
        if (access == null || !access.isUserInRole(ACCOUNT_ROLE) || role == null || !user.hasRole(role)) {
            throw forbidden("insufficient_scope", "The 'manage-account' role is required.");
        }
        return new Caller(user, token, userSession);
    }

    /** The bearer token of the request, {@code null} when there is none or the header is not a bearer one. */
    private String bearerToken() {
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
    private boolean isValidTransientSessionToken(String tokenString) {
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

    private static jakarta.ws.rs.WebApplicationException appPasswordToken() {
        return forbidden("app_password_token",
                "A token obtained with an app password (or another session that was never stored) cannot manage app passwords.");
    }

    private void requireRecentLogin(Caller caller) {
        // The token's auth_time, else the session's; a direct-grant session records neither, and its
        // start is then its (only) login.
        Long authTime = caller.token().getAuth_time();
        UserSessionModel userSession = caller.userSession();
        if (authTime == null && userSession != null) {
            String note = userSession.getNote(AuthenticationManager.AUTH_TIME);
            authTime = note != null ? Long.valueOf(note) : Long.valueOf(userSession.getStarted());
        }
        int maxAge = AppPasswordPolicies.maxAuthAge(realm);
        if (authTime == null || authTime + maxAge < Time.currentTime()) {
            throw forbidden("reauthentication_required",
                    "Creating an app password requires a login within the last " + maxAge + " seconds.");
        }
    }

    private static AppPasswordCreateRequest parse(String body) {
        if (body == null || body.isBlank()) {
            throw ErrorResponses.error(Response.Status.BAD_REQUEST, "invalid_request", "A JSON body is required.");
        }
        if (body.length() > MAX_BODY) {
            throw ErrorResponses.error(Response.Status.REQUEST_ENTITY_TOO_LARGE, "invalid_request", "The body is too large.");
        }
        try {
            AppPasswordCreateRequest request = STRICT_JSON.readValue(body, AppPasswordCreateRequest.class);
            if (request == null) {
                throw ErrorResponses.error(Response.Status.BAD_REQUEST, "invalid_request", "A JSON object is required.");
            }
            return request;
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the input back; say what is wrong without echoing it.
            String what = e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u
                    ? "Unknown field '" + u.getPropertyName() + "'."
                    : e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
                    ? "A field has the wrong type." : "Malformed JSON.";
            throw ErrorResponses.error(Response.Status.BAD_REQUEST, "invalid_request", what);
        }
    }

    /** The format only; whether the policy allows the date is the provider's call. */
    private static Long parseExpiry(String expiresAt) {
        if (expiresAt == null) {
            return null;
        }
        if (expiresAt.equals("never")) {
            return AppPasswordPolicy.NEVER;
        }
        try {
            return OffsetDateTime.parse(expiresAt).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ErrorResponses.error(Response.Status.BAD_REQUEST, "invalid_expiry",
                    "expiresAt must be an ISO-8601 date-time with offset, e.g. 2027-01-31T00:00:00Z, or \"never\".");
        }
    }

    /** A broken rule as a JSON error: who may not create is 403, too many or a clash 409, bad input 400. */
    private static jakarta.ws.rs.WebApplicationException refusal(AppPasswordException e) {
        String code = e.getErrorCode();
        Response.Status status = switch (code) {
            case "not_allowed" -> Response.Status.FORBIDDEN;
            case "limit_reached", "duplicate_name", "try_again" -> Response.Status.CONFLICT;
            default -> Response.Status.BAD_REQUEST;
        };
        return ErrorResponses.error(status, code, ErrorResponses.text(e.getMessageKey(), e.getParameters()));
    }

    private EventBuilder event(Caller caller) {
        return new EventBuilder(realm, session, session.getContext().getConnection())
                .user(caller.user())
                .client(caller.token().getIssuedFor());
    }

    private AppPasswordCredentialProvider provider() {
        return AppPasswordCredentialProvider.of(session);
    }

    private static jakarta.ws.rs.WebApplicationException forbidden(String error, String description) {
        return ErrorResponses.error(Response.Status.FORBIDDEN, error, description);
    }
}
