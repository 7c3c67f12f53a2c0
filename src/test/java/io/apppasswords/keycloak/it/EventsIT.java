package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.EventRepresentation;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every path that creates or deletes an app password leaves the same user event: {@code UPDATE_CREDENTIAL}
 * or {@code REMOVE_CREDENTIAL} with {@code credential_type}, {@code credential_id} and the name in
 * {@code credential_user_label}.
 */
class EventsIT {

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void creationThroughTheRequiredActionAndTheRestApi() {
        String username = Users.create("ev-create");
        Browser browser = Browser.demo();
        Browser.Page page = browser.login(browser.authorize("account-console", server.realmUrl() + "/account/", "app-password"),
                username, Users.PASSWORD, null);
        Browser.Page shown = page.form("kc-app-password-form").set("name", "From the page").submit();
        String secret = shown.doc().getElementById("app-password-value").text();
        AppPasswordApi.ISSUED.add(secret);
        String fromApi = Users.createAppPassword(username, "From the API");

        EventRepresentation pageEvent = only(username, "UPDATE_CREDENTIAL", Users.appPasswordId(username, "From the page"));
        assertCredentialEvent(pageEvent, "From the page", true);
        assertEquals("account-console", pageEvent.getClientId());
        EventRepresentation apiEvent = only(username, "UPDATE_CREDENTIAL", Users.appPasswordId(username, "From the API"));
        assertCredentialEvent(apiEvent, "From the API", true);
        assertEquals("demo-cli", apiEvent.getClientId(), "the client of the caller's token");
        AppPasswordAssertions.assertNoSecret(pageEvent.toString() + pageEvent.getDetails(), secret);
        AppPasswordAssertions.assertNoSecret(String.valueOf(apiEvent.getDetails()), fromApi);
    }

    @Test
    void deletionThroughEveryPath() {
        String username = Users.create("ev-delete");
        String userId = Users.id(username);
        for (String name : List.of("Rest", "Console", "Admin API", "Admin all 1", "Admin all 2", "Admin console")) {
            Users.createAppPassword(username, name);
        }
        String rest = Users.appPasswordId(username, "Rest");
        String console = Users.appPasswordId(username, "Console");
        String adminApi = Users.appPasswordId(username, "Admin API");
        String all1 = Users.appPasswordId(username, "Admin all 1");
        String all2 = Users.appPasswordId(username, "Admin all 2");
        String adminConsole = Users.appPasswordId(username, "Admin console");

        // self-service REST API
        assertEquals(204, AppPasswordApi.delete(Users.accountToken(username, Users.PASSWORD), rest).status());
        // the account console's Delete: Keycloak's delete_credential action
        Browser browser = Browser.demo();
        Browser.Page confirm = browser.login(browser.authorize("account-console", server.realmUrl() + "/account/",
                "delete_credential:" + console), username, Users.PASSWORD, null);
        Browser.Page done = confirm.firstForm().submit("accept");
        assertTrue(done.redirected(), done.describe());
        assertEquals("success", done.redirectParam("kc_action_status"), done.location());
        // this extension's admin API, one and all
        String admin = AppPasswordApi.masterAdminToken();
        assertEquals(204, AppPasswordApi.adminDelete(admin, userId, adminApi).status());
        Users.get(username).removeCredential(adminConsole); // the admin console's Credentials tab
        assertEquals(204, AppPasswordApi.adminDeleteAll(admin, userId).status());
        assertEquals(List.of(), Users.appPasswords(username));

        assertCredentialEvent(only(username, "REMOVE_CREDENTIAL", rest), "Rest", true);
        EventRepresentation stockConsole = only(username, "REMOVE_CREDENTIAL", console);
        assertCredentialEvent(stockConsole, "Console", false);
        assertEquals("account-console", stockConsole.getClientId());
        assertCredentialEvent(only(username, "REMOVE_CREDENTIAL", adminApi), "Admin API", true);
        assertCredentialEvent(only(username, "REMOVE_CREDENTIAL", all1), "Admin all 1", true);
        assertCredentialEvent(only(username, "REMOVE_CREDENTIAL", all2), "Admin all 2", true);
        if (server.isAtLeast(26, 7)) {
            assertCredentialEvent(only(username, "REMOVE_CREDENTIAL", adminConsole), "Admin console", true);
            assertEquals(6, events(username, "REMOVE_CREDENTIAL").size(), "exactly one event per deletion");
        } else {
            // before 26.7 Keycloak's admin event for that path does not say what kind of credential it removed
            assertEquals(5, events(username, "REMOVE_CREDENTIAL").size(), "one event per deletion but the admin console's");
        }
    }

    private static List<EventRepresentation> events(String username, String type) {
        return Users.realm().getEvents(List.of(type), null, Users.id(username), null, null, null, 0, 100);
    }

    private static EventRepresentation only(String username, String type, String credentialId) {
        List<EventRepresentation> matching = events(username, type).stream()
                .filter(e -> credentialId.equals(e.getDetails().get("credential_id"))).toList();
        assertEquals(1, matching.size(), type + " for " + credentialId + ": " + events(username, type));
        return matching.get(0);
    }

    /** {@code ours}: sent by this extension, which names the app password in {@code app_password_name} too. */
    private static void assertCredentialEvent(EventRepresentation event, String name, boolean ours) {
        Map<String, String> details = event.getDetails();
        assertEquals("app-password", details.get("credential_type"), String.valueOf(details));
        assertEquals(name, details.get("credential_user_label"), String.valueOf(details));
        if (ours) {
            assertEquals(name, details.get("app_password_name"), String.valueOf(details));
        }
        assertTrue(event.getError() == null, String.valueOf(event.getError()));
    }
}
