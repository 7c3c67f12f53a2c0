package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordError;
import jakarta.ws.rs.core.Response;

/**
 * The HTTP status of each refusal in both REST APIs and the forward-auth check. A switch without a default: a
 * new refusal does not compile until it has a status here.
 */
final class ErrorStatus {

    private ErrorStatus() {
    }

    static Response.Status of(AppPasswordError error) {
        return switch (error) {
            case NAME_MISSING, NAME_TOO_LONG, NAME_INVALID, EXPIRY_PAST, EXPIRY_TOO_LATE, EXPIRY_UNREADABLE,
                 CLIENT_NOT_ALLOWED, PROTOCOL_UNKNOWN, PROTOCOLS_NONE, NETWORK_INVALID, NETWORKS_TOO_MANY,
                 NETWORKS_REQUIRED, BODY_REQUIRED, JSON_MALFORMED, FIELD_UNKNOWN, FIELD_WRONG_TYPE,
                 FIRST_AND_AFTER, CURSOR_INVALID, SEARCH_TOO_LONG, NOT_BOOLEAN, NOT_NUMBER, FILTER_REQUIRED,
                 // login refusals: the token endpoint answers them, never these APIs
                 APP_PASSWORD_DELETED, APP_PASSWORD_EXPIRED, APP_PASSWORD_REVOKED, NETWORK_NOT_ALLOWED, SOURCE_THROTTLED
                    -> Response.Status.BAD_REQUEST;
            case INVALID_TOKEN
                    -> Response.Status.UNAUTHORIZED;
            // a proxy that cannot name itself gets 403, never a 401 that a device would show as a wrong password
            case NOT_ALLOWED, SECOND_FACTOR_REQUIRED, SERVICE_ACCOUNT, AUDIENCE_MISSING, ROLE_MISSING,
                 APP_PASSWORD_TOKEN, REAUTHENTICATION_REQUIRED, INVALID_ORIGIN, PROXY_UNKNOWN, PROXY_WITHOUT_STEP
                    -> Response.Status.FORBIDDEN;
            case NOT_FOUND, USER_NOT_FOUND
                    -> Response.Status.NOT_FOUND;
            case NAME_DUPLICATE, NAME_USED_BY_OTHER_CREDENTIAL, LIMIT_REACHED, BUSY
                    -> Response.Status.CONFLICT;
            case BODY_TOO_LARGE
                    -> Response.Status.REQUEST_ENTITY_TOO_LARGE;
            case TEMPORARILY_UNAVAILABLE
                    -> Response.Status.SERVICE_UNAVAILABLE;
        };
    }
}
