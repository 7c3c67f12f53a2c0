package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordError;
import jakarta.ws.rs.core.Response;

/**
 * The HTTP status of each refusal in both REST APIs. A switch without a default: a new refusal does not
 * compile until it has a status here.
 */
final class ErrorStatus {

    private ErrorStatus() {
    }

    static Response.Status of(AppPasswordError error) {
        return switch (error) {
            case NAME_MISSING, NAME_TOO_LONG, NAME_INVALID, EXPIRY_PAST, EXPIRY_TOO_LATE, EXPIRY_UNREADABLE,
                 CLIENT_NOT_ALLOWED, PROTOCOL_UNKNOWN, PROTOCOLS_NONE, INVALID_REQUEST, FILTER_REQUIRED,
                 // login refusals: the token endpoint answers them, never these APIs
                 APP_PASSWORD_DELETED, APP_PASSWORD_EXPIRED, APP_PASSWORD_REVOKED
                    -> Response.Status.BAD_REQUEST;
            case INVALID_TOKEN
                    -> Response.Status.UNAUTHORIZED;
            case NOT_ALLOWED, SECOND_FACTOR_REQUIRED, INSUFFICIENT_SCOPE, APP_PASSWORD_TOKEN,
                 REAUTHENTICATION_REQUIRED, INVALID_ORIGIN
                    -> Response.Status.FORBIDDEN;
            case NOT_FOUND
                    -> Response.Status.NOT_FOUND;
            case NAME_DUPLICATE, NAME_USED_BY_OTHER_CREDENTIAL, LIMIT_REACHED, BUSY
                    -> Response.Status.CONFLICT;
            case BODY_TOO_LARGE
                    -> Response.Status.REQUEST_ENTITY_TOO_LARGE;
        };
    }
}
