package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorStatusTest {

    @Test
    void eachRefusalHasTheStatusTheApiDocsName() {
        assertEquals(400, ErrorStatus.of(AppPasswordError.PROTOCOL_UNKNOWN).getStatusCode());
        assertEquals(401, ErrorStatus.of(AppPasswordError.INVALID_TOKEN).getStatusCode());
        assertEquals(403, ErrorStatus.of(AppPasswordError.APP_PASSWORD_TOKEN).getStatusCode());
        assertEquals(404, ErrorStatus.of(AppPasswordError.NOT_FOUND).getStatusCode());
        assertEquals(409, ErrorStatus.of(AppPasswordError.LIMIT_REACHED).getStatusCode());
        assertEquals(413, ErrorStatus.of(AppPasswordError.BODY_TOO_LARGE).getStatusCode());
        assertEquals(403, ErrorStatus.of(AppPasswordError.PROXY_UNKNOWN).getStatusCode());
        assertEquals(503, ErrorStatus.of(AppPasswordError.TEMPORARILY_UNAVAILABLE).getStatusCode());
        for (AppPasswordError error : AppPasswordError.values()) {
            int status = ErrorStatus.of(error).getStatusCode();
            assertTrue(status >= 400 && status < 500 || error == AppPasswordError.TEMPORARILY_UNAVAILABLE,
                    error + ": " + status);
        }
    }
}
