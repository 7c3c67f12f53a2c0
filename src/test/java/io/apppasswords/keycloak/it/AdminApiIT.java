package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.apppasswords.keycloak.it.TokenClient.mail;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /admin/realms/demo/app-passwords}, and the stock admin API the admin console's <em>Credentials</em>
 * tab uses, with Keycloak's admin permissions.
 */
class AdminApiIT {

    @BeforeAll
    static void start() {
        KeycloakServer.get();
    }

    @Test
    void listsAUsersAppPasswordsWithoutSecrets() {
        String username = Users.create("admin-list");
        String secret = Users.createAppPassword(username, "Phone");
        Users.createAppPassword(username, "Laptop");
        Users.createAppPassword(Users.create("admin-list-other"), "Other");

        HttpReply list = AppPasswordApi.adminList(AppPasswordApi.masterAdminToken(), Users.id(username));
        assertEquals(200, list.status(), list.toString());
        Set<String> listed = new java.util.HashSet<>();
        list.json().forEach(e -> listed.add(e.path("name").asText()));
        assertEquals(Set.of("Phone", "Laptop"), listed);
        for (JsonNode entry : list.json()) {
            assertEquals(AppPasswordAssertions.FIELDS, AppPasswordAssertions.fieldNames(entry),
                    "same fields as the self-service API: " + entry);
        }
        AppPasswordAssertions.assertNoSecret(list.body(), secret);

        assertError(404, "not_found", AppPasswordApi.adminList(AppPasswordApi.masterAdminToken(), UUID.randomUUID().toString()));
    }

    @Test
    void revokesOneOrAllOfAUsersAppPasswordsAndNothingElse() {
        Totp totp = Users.newTotp();
        String username = Users.create("admin-revoke", totp);
        String userId = Users.id(username);
        String tablet = Users.createAppPassword(username, "Tablet", totp);
        String phone = Users.createAppPassword(username, "Phone", totp);
        String other = Users.create("admin-revoke-other");
        Users.createAppPassword(other, "Theirs");
        String admin = AppPasswordApi.masterAdminToken();

        String otpId = Users.get(username).credentials().stream().filter(c -> "otp".equals(c.getType()))
                .findFirst().orElseThrow().getId();
        assertError(404, "not_found", AppPasswordApi.adminDelete(admin, userId, otpId));
        assertError(404, "not_found", AppPasswordApi.adminDelete(admin, userId, Users.appPasswordId(other, "Theirs")));
        assertError(404, "not_found", AppPasswordApi.adminDelete(admin, userId, UUID.randomUUID().toString()));
        assertError(404, "not_found", AppPasswordApi.adminDelete(admin, UUID.randomUUID().toString(), Users.appPasswordId(username, "Tablet")));

        String tabletId = Users.appPasswordId(username, "Tablet");
        assertEquals(204, AppPasswordApi.adminDelete(admin, userId, tabletId).status());
        assertFalse(mail(username, tablet).ok(), "revoked");
        assertTrue(mail(username, phone).ok(), "the other one still works");
        assertError(404, "not_found", AppPasswordApi.adminDelete(admin, userId, tabletId));

        Users.createAppPassword(username, "Laptop", totp);
        assertEquals(204, AppPasswordApi.adminDeleteAll(admin, userId).status());
        assertEquals(List.of(), Users.appPasswords(username));
        assertFalse(mail(username, phone).ok());
        // the records of the ended app passwords stay, so that their old devices are recognised
        assertEquals(Set.of("password", "otp", "app-password-history"), Set.copyOf(Users.get(username).credentials()
                .stream().map(CredentialRepresentation::getType).toList()), "other credentials untouched");
        assertEquals(1, Users.appPasswords(other).size(), "another user's untouched");
        assertEquals(204, AppPasswordApi.adminDeleteAll(admin, userId).status(), "nothing left is fine");
    }

    @Test
    void usesKeycloaksAdminPermissions() {
        String username = Users.create("admin-perm");
        String userId = Users.id(username);
        Users.createAppPassword(username, "Phone");
        String phoneId = Users.appPasswordId(username, "Phone");

        String viewer = Fixtures.realmAdminToken("view-users");
        assertEquals(200, AppPasswordApi.adminList(viewer, userId).status());
        assertEquals(403, AppPasswordApi.adminDelete(viewer, userId, phoneId).status());
        assertEquals(403, AppPasswordApi.adminDeleteAll(viewer, userId).status());

        String nobody = Fixtures.realmAdminToken();
        assertEquals(403, AppPasswordApi.adminList(nobody, userId).status());
        assertEquals(403, AppPasswordApi.adminDelete(nobody, userId, phoneId).status());
        assertEquals(403, AppPasswordApi.adminDeleteAll(nobody, userId).status());
        assertEquals(403, AppPasswordApi.adminList(nobody, UUID.randomUUID().toString()).status(),
                "no user lookup for someone who may not query users");

        String account = Users.accountToken(username, Users.PASSWORD);
        assertEquals(403, AppPasswordApi.adminList(account, userId).status(), "a user's own account token");
        assertEquals(403, AppPasswordApi.adminDelete(account, userId, phoneId).status());
        assertEquals(401, AppPasswordApi.adminList(null, userId).status());
        assertEquals(1, Users.appPasswords(username).size(), "nothing was revoked so far");

        String manager = Fixtures.realmAdminToken("manage-users");
        assertEquals(204, AppPasswordApi.adminDelete(manager, userId, phoneId).status());
        assertEquals(0, Users.appPasswords(username).size());
    }

    @Test
    void adminsCannotCreateAppPasswordsOrReadSecrets() {
        String username = Users.create("admin-create");
        String userId = Users.id(username);
        String admin = AppPasswordApi.masterAdminToken();
        HttpReply post = AppPasswordApi.send("POST", AppPasswordApi.adminUrl() + "/users/" + userId, admin,
                "application/json", "{\"name\":\"By the admin\"}");
        assertEquals(405, post.status(), post.toString());
        HttpReply put = AppPasswordApi.send("PUT", AppPasswordApi.adminUrl() + "/users/" + userId, admin,
                "application/json", "{\"name\":\"By the admin\"}");
        assertEquals(405, put.status(), put.toString());
        assertEquals(0, Users.appPasswords(username).size());
    }

    @Test
    void revocationsAreAdminEventsWithoutSecrets() throws Exception {
        String username = Users.create("admin-events");
        String userId = Users.id(username);
        String secret = Users.createAppPassword(username, "Phone");
        Users.createAppPassword(username, "Laptop");
        String phoneId = Users.appPasswordId(username, "Phone");
        String laptopId = Users.appPasswordId(username, "Laptop");
        String admin = AppPasswordApi.masterAdminToken();

        assertEquals(204, AppPasswordApi.adminDelete(admin, userId, phoneId).status());
        assertEquals(204, AppPasswordApi.adminDeleteAll(admin, userId).status());

        List<AdminEventRepresentation> events = adminEvents(userId).stream()
                .filter(e -> e.getResourcePath() != null && e.getResourcePath().startsWith("users/" + userId + "/app-passwords/"))
                .toList();
        assertEquals(2, events.size(), String.valueOf(events));
        for (AdminEventRepresentation e : events) {
            assertEquals("DELETE", e.getOperationType());
            assertEquals("USER", e.getResourceType());
            assertNotNull(e.getRepresentation(), "representation (admin event details are on in the demo)");
            JsonNode rep = Json.read(e.getRepresentation());
            assertTrue(rep.has("name") && rep.has("createdAt") && !rep.has("password"), rep.toString());
            AppPasswordAssertions.assertNoSecret(e.getRepresentation(), secret);
            assertFalse(e.getRepresentation().toLowerCase().contains("digest"), e.getRepresentation());
        }
        assertEquals(Set.of("users/" + userId + "/app-passwords/" + phoneId, "users/" + userId + "/app-passwords/" + laptopId),
                Set.copyOf(events.stream().map(AdminEventRepresentation::getResourcePath).toList()));
    }

    /**
     * What the admin console's <em>Credentials</em> tab reads and deletes: each app password with its name
     * and creation date, the non-secret data only ("Show data"), deletable.
     */
    @Test
    void theAdminConsolesCredentialsTabShowsNamesAndDatesAndNoSecrets() throws Exception {
        String username = Users.create("admin-console");
        String userId = Users.id(username);
        String secret = Users.createAppPassword(username, "Thunderbird");
        HttpReply raw = AppPasswordApi.send("GET", KeycloakServer.get().baseUrl() + "/admin/realms/demo/users/"
                + userId + "/credentials", AppPasswordApi.masterAdminToken(), null, null);
        assertEquals(200, raw.status(), raw.toString());
        JsonNode row = null;
        for (JsonNode c : raw.json()) {
            if ("app-password".equals(c.path("type").asText())) {
                row = c;
            }
        }
        assertNotNull(row, raw.body());
        assertEquals("Thunderbird", row.path("userLabel").asText());
        assertTrue(Math.abs(row.path("createdDate").asLong() - System.currentTimeMillis()) < 120_000, row.toString());
        assertTrue(row.path("secretData").isMissingNode() || row.path("secretData").isNull(), "no secretData: " + row);
        JsonNode data = Json.read(row.path("credentialData").asText());
        Set<String> keys = AppPasswordAssertions.fieldNames(data);
        assertTrue(Set.of("algorithm", "expiresAt", "expiresAtUtc", "clients", "protocols", "lastUsedAt", "lastUsedAtUtc",
                "lastUsedIp", "lastUsedClient", "lastUsedProtocol")
                .containsAll(keys), "only non-secret data: " + keys);
        assertFalse(raw.body().toLowerCase().contains("digest"), raw.body());
        AppPasswordAssertions.assertNoSecret(raw.body(), secret);

        // The tab's Delete: Keycloak's own endpoint.
        CredentialRepresentation stored = Users.appPasswords(username).get(0);
        Users.get(username).removeCredential(stored.getId());
        assertEquals(List.of(), Users.appPasswords(username));
        assertFalse(mail(username, secret).ok());
        AdminEventRepresentation removal = adminEvents(userId).stream().filter(e -> ("users/" + userId + "/credentials/" + stored.getId()).equals(e.getResourcePath()))
                .findFirst().orElseThrow(() -> new AssertionError("no admin event for the stock removal"));
        assertEquals("ACTION", removal.getOperationType());
        if (KeycloakServer.get().isAtLeast(26, 7)) { // earlier lines send this admin event without details
            assertEquals("app-password", removal.getDetails().get("credential_type"));
            assertEquals("Thunderbird", removal.getDetails().get("credential_user_label"));
        }
        assertNull(removal.getError());
    }

    /** The realm's admin events on the user and everything under it. */
    private static List<AdminEventRepresentation> adminEvents(String userId) {
        return Users.realm().getAdminEvents(null, null, null, null, null, "users/" + userId + "*", null, null, 0, 200);
    }
}
