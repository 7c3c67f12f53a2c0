package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs after every other integration test (see junit-platform.properties) and reads the whole server log,
 * written at DEBUG for the extension, Keycloak's events and its authentication flows: no app password any
 * test was given may appear in it, with or without its dashes.
 */
@Order(Integer.MAX_VALUE)
class NoSecretInLogIT {

    @Test
    void noAppPasswordAppearsInTheServerLog() throws Exception {
        // make sure there is at least one secret that was used, mistyped and revoked in this run
        String username = Users.create("leak");
        String secret = Users.createAppPassword(username, "Leak check");
        assertTrue(TokenClient.demo().mailLogin(username, secret).ok());
        TokenClient.demo().mailLogin(username, AppPasswordAssertions.mutate(secret));
        Users.get(username).removeCredential(Users.appPasswords(username).get(0).getId());

        String log = Files.readString(KeycloakServer.get().logFile(), StandardCharsets.UTF_8);
        assertTrue(log.contains("DEBUG"), "the server log is at DEBUG level");
        for (String issued : AppPasswordApi.ISSUED) {
            assertFalse(log.contains(issued), "an app password is in the server log");
            assertFalse(log.contains(issued.replace("-", "")), "an app password is in the server log");
        }
        System.out.printf("checked %d app passwords against %d KiB of server log%n",
                AppPasswordApi.ISSUED.size(), log.length() / 1024);
    }
}
