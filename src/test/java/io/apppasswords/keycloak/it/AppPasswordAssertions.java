package io.apppasswords.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

/** What the integration tests check app passwords and the extension's answers against, in one place. */
final class AppPasswordAssertions {

    /** An app password as the extension hands it out: six groups of four Crockford Base32 characters. */
    static final String FORMAT = "([0-9a-hjkmnp-tv-z]{4}-){5}[0-9a-hjkmnp-tv-z]{4}";

    /** The fields of an app password in the self-service and the admin API (never its secret). */
    static final Set<String> FIELDS = Set.of("id", "name", "createdAt", "lastUsedAt", "lastUsedIp", "lastUsedClient",
            "lastUsedProtocol", "expiresAt", "expired", "clients", "protocols", "networks");

    private AppPasswordAssertions() {
    }

    /** The secret with its last character changed: a wrong app password that is one typo off. */
    static String mutate(String secret) {
        char last = secret.charAt(secret.length() - 1);
        return secret.substring(0, secret.length() - 1) + (last == 'a' ? 'b' : 'a');
    }

    /** Neither the secret nor its dash-less form is in {@code text}. */
    static void assertNoSecret(String text, String secret) {
        assertFalse(text.contains(secret), "secret leaked");
        assertFalse(text.contains(secret.replace("-", "")), "secret leaked");
    }

    /** Keycloak's answer to a refused grant (Keycloak 26: 400, not 401). */
    static void assertInvalidGrant(HttpReply reply) {
        assertEquals(400, reply.status(), reply.toString());
        assertEquals("invalid_grant", reply.error(), reply.toString());
    }

    /** Keycloak's own password step refusing a grant: 400 from 26.6 on, 401 before (docs/RELIABILITY.md). */
    static void assertStockInvalidGrant(HttpReply reply) {
        assertEquals(KeycloakServer.get().isAtLeast(26, 6) ? 400 : 401, reply.status(), reply.toString());
        assertEquals("invalid_grant", reply.error(), reply.toString());
    }

    /** The extension's REST error: this status, this {@code error} and some {@code error_description}. */
    static void assertError(int status, String error, HttpReply reply) {
        assertError(status, error, reply, "");
    }

    static void assertError(int status, String error, HttpReply reply, String context) {
        assertEquals(status, reply.status(), context + " " + reply);
        assertEquals(error, reply.error(), context + " " + reply);
        assertFalse(reply.json().path("error_description").asText("").isBlank(), context + " " + reply);
    }

    /** The entry named {@code name} of an API's list of app passwords. */
    static JsonNode find(JsonNode list, String name) {
        for (JsonNode entry : list) {
            if (name.equals(entry.path("name").asText())) {
                return entry;
            }
        }
        throw new AssertionError("no app password named " + name + " in " + list);
    }

    static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** Waits up to 30 s for what Keycloak does off the request thread (brute-force counts, clean-up). */
    static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(100);
        }
    }

    /** The median of measured times. */
    static double median(List<Double> values) {
        List<Double> sorted = new java.util.ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
