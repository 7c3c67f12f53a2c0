package io.apppasswords.keycloak.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.lifecycle.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import io.apppasswords.keycloak.lifecycle.AppPasswords;
import io.apppasswords.keycloak.lifecycle.DeviceHandoff;
import io.apppasswords.keycloak.lifecycle.EndReason;
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
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.cors.Cors;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Self-service API under {@code /realms/{realm}/app-passwords}: the caller's own app passwords. Who may call
 * it is {@link AccountCaller}'s business; creating and revoking are the lifecycle service's.
 */
public class AppPasswordResource {

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
        return Cors.builder().preflight().allowedMethods(AccountCaller.METHODS).auth().add(Response.ok());
    }

    /** A reverse proxy's check of a device's app password: {@link ForwardAuthResource}, any method. */
    @Path("forward-auth")
    public ForwardAuthResource forwardAuth() {
        return new ForwardAuthResource(session);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<AppPasswordRepresentation> list() {
        AccountCaller caller = AccountCaller.authenticate(session);
        return provider().list(caller.user()).map(AppPasswordRepresentation::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        AccountCaller caller = AccountCaller.authenticate(session);
        caller.requireRecentLogin(session);
        AppPasswordCreateRequest request = parse(caller, body);
        Long expiresAt = parseExpiry(caller, request.expiresAt);

        AppPasswords.Created created;
        try {
            created = new AppPasswords(session, realm).create(caller.user(),
                    new AppPasswords.Request(request.name, () -> expiresAt, request.clients, request.protocols,
                            request.networks),
                    event(caller), caller.token().getIssuedFor());
        } catch (AppPasswordException e) {
            throw ErrorResponses.refusal(session, caller.user(), e);
        }
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
        AccountCaller caller = AccountCaller.authenticate(session);
        AppPasswordCredentialModel credential = provider().get(caller.user(), id)
                .orElseThrow(() -> ErrorResponses.error(session, caller.user(), AppPasswordError.NOT_FOUND));
        new AppPasswords(session, realm).revoke(caller.user(), credential, EndReason.DELETED_BY_USER, event(caller));
        return Response.noContent().build();
    }

    /** The links that set a device up with a new app password (their token is their authority). */
    @Path(DeviceHandoff.PATH)
    public DeviceSetupResource device() {
        return new DeviceSetupResource(session);
    }

    private AppPasswordCreateRequest parse(AccountCaller caller, String body) {
        if (body == null || body.isBlank()) {
            throw ErrorResponses.error(session, caller.user(), AppPasswordError.BODY_REQUIRED);
        }
        if (body.length() > MAX_BODY) {
            throw ErrorResponses.error(session, caller.user(), AppPasswordError.BODY_TOO_LARGE);
        }
        try {
            AppPasswordCreateRequest request = STRICT_JSON.readValue(body, AppPasswordCreateRequest.class);
            if (request == null) {
                throw ErrorResponses.error(session, caller.user(), AppPasswordError.BODY_REQUIRED);
            }
            return request;
        } catch (UnrecognizedPropertyException e) {
            throw ErrorResponses.error(session, caller.user(), AppPasswordError.FIELD_UNKNOWN, e.getPropertyName());
        } catch (MismatchedInputException e) {
            throw ErrorResponses.error(session, caller.user(), AppPasswordError.FIELD_WRONG_TYPE);
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the input back; say what is wrong without echoing it.
            throw ErrorResponses.error(session, caller.user(), AppPasswordError.JSON_MALFORMED);
        }
    }

    /** The format only; whether the policy allows the date is the lifecycle's call. */
    private Long parseExpiry(AccountCaller caller, String expiresAt) {
        if (expiresAt == null) {
            return null;
        }
        if (expiresAt.equals("never")) {
            return AppPasswordPolicy.NEVER;
        }
        try {
            return OffsetDateTime.parse(expiresAt).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ErrorResponses.error(session, caller.user(), AppPasswordError.EXPIRY_UNREADABLE);
        }
    }

    private EventBuilder event(AccountCaller caller) {
        return new EventBuilder(realm, session, session.getContext().getConnection())
                .user(caller.user())
                .client(caller.token().getIssuedFor());
    }

    private AppPasswordCredentialProvider provider() {
        return AppPasswordCredentialProvider.of(session);
    }
}
