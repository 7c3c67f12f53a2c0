package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import io.apppasswords.keycloak.lifecycle.AppPasswordLogin;
import io.apppasswords.keycloak.lifecycle.RefusalText;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

import java.util.Map;

/**
 * OAuth-style JSON errors for the REST APIs and the forward-auth check: {@code error}, the refusal's stable
 * code, and {@code error_description}, its text in the caller's language ({@link RefusalText}; {@code user}
 * is the caller when known, else {@code null}).
 */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static WebApplicationException error(KeycloakSession session, UserModel user, AppPasswordError error,
                                         Object... parameters) {
        return new WebApplicationException(response(session, user, error, parameters).build());
    }

    /** A refusal of the rules, described as the pages would describe it. */
    static WebApplicationException refusal(KeycloakSession session, UserModel user, AppPasswordException refusal) {
        return error(session, user, refusal.getError(), refusal.getParameters());
    }

    /** The answer to {@code error}, to be built; a 503 says when to ask again. */
    static Response.ResponseBuilder response(KeycloakSession session, UserModel user, AppPasswordError error,
                                             Object... parameters) {
        Response.Status status = ErrorStatus.of(error);
        Response.ResponseBuilder answer = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", error.code(),
                        "error_description", RefusalText.of(session, user, error, parameters)));
        if (status == Response.Status.SERVICE_UNAVAILABLE) {
            answer.header(HttpHeaders.RETRY_AFTER, AppPasswordLogin.RETRY_AFTER_SECONDS);
        }
        return answer;
    }
}
