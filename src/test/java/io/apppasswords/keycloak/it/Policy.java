package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The realm's app-password policy, set as an admin does in the admin console: the {@code app-password}
 * required action's config, over the admin REST API.
 */
public final class Policy {

    /**
     * What demo-realm.json ships. Its throttle is loose: every mail app of the test suite signs in from
     * loopback through the same Dovecot, and tests that try wrong passwords there would otherwise throttle
     * 127.0.0.1 for the next 15 minutes; GuessingIT sets the realm's default (20) where it tests it.
     */
    public static final Map<String, String> DEMO = Map.of("requireSecondFactor", "false",
            "allowedClients", "mail-server##mail-mixed", "mailFailuresPerIp", "1000");

    private Policy() {
    }

    public static String configUrl() {
        return KeycloakServer.get().baseUrl() + "/admin/realms/" + DemoRealm.NAME
                + "/authentication/required-actions/app-password/config";
    }

    public static String adminToken() {
        return KeycloakServer.get().admin().tokenManager().getAccessTokenString();
    }

    /** Replaces the whole config; returns the admin API's answer. */
    public static HttpReply put(Map<String, String> config) {
        return AppPasswordApi.send("PUT", configUrl(), adminToken(), "application/json",
                Json.write(Map.of("config", config)));
    }

    /** Sets the config, asserting the admin API took it. */
    public static void set(Map<String, String> config) {
        HttpReply reply = put(config);
        assertEquals(204, reply.status(), reply.toString());
    }

    /** The demo config plus {@code changes}. */
    public static void demoWith(Map<String, String> changes) {
        Map<String, String> config = new LinkedHashMap<>(DEMO);
        config.putAll(changes);
        set(config);
    }

    public static void reset() {
        set(DEMO);
    }

    public static JsonNode description() {
        HttpReply reply = AppPasswordApi.send("GET", configUrl() + "-description", adminToken(), null, null);
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }
}
