package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;

import java.util.Map;

import static io.apppasswords.keycloak.it.DemoRealm.MAIL;
import static io.apppasswords.keycloak.it.DemoRealm.MAIL_SECRET;
import static io.apppasswords.keycloak.it.DemoRealm.MIXED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Last use of an app password: written once per interval, with the end user's IP when a trusted mail server forwards it. */
class LastUseIT {

    private static final String HEADER = "X-Dovecot-Auth-Remote";
    private String publicClientUuid;

    @BeforeAll
    static void start() {
        KeycloakServer.get();
    }

    @AfterEach
    void cleanUp() {
        if (publicClientUuid != null) {
            Users.realm().clients().get(publicClientUuid).remove();
            publicClientUuid = null;
        }
    }

    @Test
    void lastUseIsWrittenOncePerIntervalNotOnEveryLogin() throws Exception {
        String username = Users.create("lastuse");
        String secret = Users.createAppPassword(username, "Mail");
        CredentialRepresentation before = Users.appPasswords(username).get(0);
        assertTrue(!String.valueOf(before.getCredentialData()).contains("lastUsedAt"), before.getCredentialData());

        assertTrue(grant(MAIL, MAIL_SECRET, username, secret, null).ok());
        CredentialRepresentation first = Users.appPasswords(username).get(0);
        JsonNode data = Json.read(first.getCredentialData());
        assertTrue(data.has("lastUsedAt"), first.getCredentialData());
        // What the admin console shows beside the millis: the same instant, readable.
        assertEquals(java.time.Instant.ofEpochMilli(data.path("lastUsedAt").asLong()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                data.path("lastUsedAtUtc").asText(), first.getCredentialData());
        assertEquals(MAIL, data.path("lastUsedClient").asText());
        assertEquals("127.0.0.1", data.path("lastUsedIp").asText());

        for (int i = 0; i < 3; i++) {
            assertTrue(grant(MAIL, MAIL_SECRET, username, secret, null).ok());
        }
        CredentialRepresentation later = Users.appPasswords(username).get(0);
        assertEquals(first.getCredentialData(), later.getCredentialData(), "not rewritten within the interval (default 1 h)");
    }

    @Test
    void theForwardedIpIsTakenOnlyFromATrustedConfidentialClientAndOnlyIfItIsAnIp() throws Exception {
        String publicClient = publicMailClient();
        String username = Users.create("forwarded");
        String secret = Users.createAppPassword(username, "Mail");
        try (var step = AppPasswordStep.configure(
                Map.of("lastUseIntervalSeconds", "0", "trustedForwarderClients", MAIL + "##" + publicClient))) {
            assertTrue(grant(MAIL, MAIL_SECRET, username, secret, "203.0.113.7").ok());
            assertEquals("203.0.113.7", lastUse(username).path("lastUsedIp").asText());

            assertTrue(grant(MAIL, MAIL_SECRET, username, secret, "2001:db8::7").ok());
            assertEquals("2001:db8:0:0:0:0:0:7", lastUse(username).path("lastUsedIp").asText());

            assertTrue(grant(MAIL, MAIL_SECRET, username, secret, "evil.example.com").ok());
            assertEquals("127.0.0.1", lastUse(username).path("lastUsedIp").asText(), "not an IP literal: ignored");

            // Listed, but public: anyone can send the header as this client, so it is ignored.
            assertTrue(grant(publicClient, null, username, secret, "198.51.100.9").ok());
            JsonNode viaPublic = lastUse(username);
            assertEquals(publicClient, viaPublic.path("lastUsedClient").asText());
            assertEquals("127.0.0.1", viaPublic.path("lastUsedIp").asText());
        }
        try (var step = AppPasswordStep.configure(Map.of("lastUseIntervalSeconds", "0", "trustedForwarderClients", MIXED))) {
            assertTrue(grant(MAIL, MAIL_SECRET, username, secret, "203.0.113.8").ok());
            JsonNode untrusted = lastUse(username);
            assertEquals(MAIL, untrusted.path("lastUsedClient").asText());
            assertEquals("127.0.0.1", untrusted.path("lastUsedIp").asText(), "mail-server is no longer trusted");
        }
    }

    /** A public client whose direct grant runs the "app passwords only" flow, removed after the test. */
    private String publicMailClient() {
        String flowId = AppPasswordStep.flows().getFlows().stream()
                .filter(f -> DemoRealm.APP_PASSWORDS_ONLY.equals(f.getAlias())).findFirst().orElseThrow().getId();
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId("public-mail-" + System.nanoTime());
        client.setPublicClient(true);
        client.setStandardFlowEnabled(false);
        client.setDirectAccessGrantsEnabled(true);
        client.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", flowId));
        publicClientUuid = Fixtures.createClient(client);
        return client.getClientId();
    }

    private static JsonNode lastUse(String username) {
        return Json.read(Users.appPasswords(username).get(0).getCredentialData());
    }

    /** A password grant as Dovecot sends it, with the end user's address in its header when given. */
    private static HttpReply grant(String clientId, String clientSecret, String username, String password,
                                   String forwardedIp) {
        TokenClient tokens = forwardedIp == null ? TokenClient.demo() : TokenClient.demo().withHeader(HEADER, forwardedIp);
        return tokens.passwordGrant(clientId, clientSecret, username, password);
    }
}
