package io.apppasswords.keycloak.lifecycle;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeycloakLineTest {

    @Test
    void readsTheLineFromTheServersVersion() {
        assertFalse(KeycloakLine.atLeast("26.4.0", 26, 7));
        assertFalse(KeycloakLine.atLeast("26.6.3", 26, 7));
        assertTrue(KeycloakLine.atLeast("26.7.0", 26, 7));
        assertTrue(KeycloakLine.atLeast("26.7.3", 26, 7));
        assertTrue(KeycloakLine.atLeast("26.10.1", 26, 7));
        assertTrue(KeycloakLine.atLeast("27.0.0", 26, 7));
        assertFalse(KeycloakLine.atLeast("25.0.6", 26, 7));
        assertTrue(KeycloakLine.atLeast("26.8.0-SNAPSHOT", 26, 7));
        assertTrue(KeycloakLine.atLeast("999.0.0-SNAPSHOT", 26, 7));
        assertTrue(KeycloakLine.atLeast("UNKNOWN", 26, 7), "a development build counts as current");
        assertTrue(KeycloakLine.atLeast(null, 26, 7));
    }
}
