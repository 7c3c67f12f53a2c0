package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.EventRepresentation;

import java.util.List;
import java.util.Map;

import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertError;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertInvalidGrant;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An app password tied to networks (issue 23) signs in only from inside them, as the source the mail server
 * forwards; from elsewhere, or through a forwarder that sends no address, it is refused like the wrong client
 * (not counted), with an event naming the address. The realm may give default networks and forbid none.
 */
class NetworksIT {

    @AfterEach
    void policy() {
        Policy.reset();
    }

    @Test
    void aLoginCountsOnlyFromInsideTheNetworksIpv4AndIpv6() {
        String username = Users.create("networks");
        String token = Users.accountToken(username, Users.PASSWORD);
        HttpReply created = AppPasswordApi.createJson(token,
                "{\"name\":\"Office\",\"networks\":[\"192.0.2.0/24\",\"2001:0db8::/32\",\"192.0.2.0/24\"]}");
        assertEquals(201, created.status(), created.toString());
        assertEquals(List.of("192.0.2.0/24", "2001:db8::/32"), texts(created.json().path("networks")),
                "canonical, once each");
        String secret = created.json().path("password").asText();

        assertTrue(from("192.0.2.77", username, secret).ok());
        assertTrue(from("[2001:db8:5::1]:51234", username, secret).ok(), "IPv6, with the port Dovecot appends");
        assertInvalidGrant(from("198.51.100.7", username, secret));
        assertInvalidGrant(from("2001:db9::1", username, secret));
        assertInvalidGrant(TokenClient.demo().mailLogin(username, secret)); // the mail server sent no address

        List<EventRepresentation> refused = Users.realm().getEvents(List.of("LOGIN_ERROR"), null, Users.id(username),
                null, null, null, 0, 10).stream().filter(e -> "network_not_allowed".equals(e.getError())).toList();
        assertEquals(3, refused.size(), refused.toString());
        assertTrue(refused.stream().anyMatch(e -> e.getDetails().get("reason").contains("198.51.100.7")
                && "198.51.100.7".equals(e.getDetails().get("app_password_source_ip"))), refused.toString());
        assertEquals(0, Users.failures(username));

        JsonNode admin = AppPasswordApi.adminList(Fixtures.realmAdminToken("view-users"), Users.id(username)).json();
        assertEquals(List.of("192.0.2.0/24", "2001:db8::/32"), texts(admin.get(0).path("networks")));
    }

    @Test
    void aBadNetworkIsA400ThatNamesIt() {
        String token = Users.accountToken(Users.create("bad-cidr"), Users.PASSWORD);
        for (String bad : List.of("192.0.2.0/33", "example.com/24", "2001:db8::/129", "192.0.2", "10.0.0.0/8/8")) {
            HttpReply reply = AppPasswordApi.createJson(token, "{\"name\":\"N\",\"networks\":[\"" + bad + "\"]}");
            assertError(400, "invalid_network", reply, bad);
            assertTrue(reply.json().path("error_description").asText().contains(bad), reply.toString());
        }
    }

    @Test
    void theRealmsDefaultNetworksApplyAndUnrestrictedOnesCanBeForbidden() {
        Policy.demoWith(Map.of("defaultNetworks", "203.0.113.0/24"));
        String username = Users.create("default-networks");
        String token = Users.accountToken(username, Users.PASSWORD);
        HttpReply created = AppPasswordApi.create(token, "Phone");
        assertEquals(List.of("203.0.113.0/24"), texts(created.json().path("networks")), created.toString());
        assertTrue(from("203.0.113.9", username, created.json().path("password").asText()).ok());

        Policy.demoWith(Map.of("requireNetworks", "true"));
        assertError(400, "invalid_network", AppPasswordApi.create(token, "Laptop"));
        assertEquals(201, AppPasswordApi.createJson(token, "{\"name\":\"Laptop\",\"networks\":[\"203.0.113.7\"]}").status());

        assertEquals(400, Policy.put(Map.of("defaultNetworks", "not-a-network")).status(), "the admin console refuses it");
    }

    private static HttpReply from(String ip, String username, String password) {
        return TokenClient.demo().mailLoginFrom(ip, username, password);
    }
}
