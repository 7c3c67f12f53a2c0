package io.apppasswords.keycloak.credential;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.keycloak.util.JsonSerialization;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The credentialData JSON as the admin console shows it and as earlier versions stored it. */
class AppPasswordCredentialDataTest {

    private static final long EXPIRES = Instant.parse("2026-11-25T15:05:42.123Z").toEpochMilli();
    private static final long USED = Instant.parse("2026-05-01T08:00:00Z").toEpochMilli();

    @Test
    void everyTimeIsWrittenAsMillisAndAsReadableUtcText() throws Exception {
        AppPasswordCredentialData data = new AppPasswordCredentialData(EXPIRES, List.of("mail-server"), null);
        data.setLastUsedAt(USED);
        String json = JsonSerialization.writeValueAsString(data);
        JsonNode node = JsonSerialization.readValue(json, JsonNode.class);
        assertEquals(EXPIRES, node.path("expiresAt").asLong());
        assertEquals("2026-11-25T15:05:42Z", node.path("expiresAtUtc").asText());
        assertEquals(USED, node.path("lastUsedAt").asLong());
        assertEquals("2026-05-01T08:00:00Z", node.path("lastUsedAtUtc").asText());
        assertEquals(List.of("expiresAt", "expiresAtUtc", "clients", "lastUsedAt", "lastUsedAtUtc"),
                iterate(node), "the text right after the number it spells out");
    }

    @Test
    void unsetTimesHaveNoTextEither() throws Exception {
        String json = JsonSerialization.writeValueAsString(new AppPasswordCredentialData(null, null, null));
        assertEquals("{}", json);
    }

    @Test
    void theMillisAreTheTruthWhenBothAreRead() throws Exception {
        String edited = "{\"algorithm\":\"SHA-256\",\"expiresAt\":" + EXPIRES + ",\"expiresAtUtc\":\"1999-01-01T00:00:00Z\"}";
        AppPasswordCredentialData data = JsonSerialization.readValue(edited, AppPasswordCredentialData.class);
        assertEquals(EXPIRES, data.getExpiresAt());
        assertEquals("2026-11-25T15:05:42Z", data.getExpiresAtUtc());
    }

    @Test
    void rowsStoredBeforeTheTextExistedReadAsBefore() throws Exception {
        String old = "{\"algorithm\":\"SHA-256\",\"expiresAt\":" + EXPIRES + ",\"lastUsedAt\":" + USED
                + ",\"lastUsedIp\":\"192.0.2.1\"}";
        AppPasswordCredentialData data = JsonSerialization.readValue(old, AppPasswordCredentialData.class);
        assertEquals(EXPIRES, data.getExpiresAt());
        assertEquals(USED, data.getLastUsedAt());
        assertEquals("192.0.2.1", data.getLastUsedIp());
        assertNull(data.getClients());
        assertFalse(JsonSerialization.writeValueAsString(data).contains("\"expiresAtUtc\":null"));
        assertFalse(JsonSerialization.writeValueAsString(data).contains("algorithm"), "read, never written back");
    }

    private static List<String> iterate(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
