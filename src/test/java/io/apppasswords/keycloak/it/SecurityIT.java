package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Security properties that cut across the parts: CSRF on the creation page, what an app-password token can do. */
class SecurityIT {

    /** The creation form only works inside the user's own authentication session and tab. */
    @Test
    void theCreationFormRejectsPostsWithoutTheSessionAndTabBinding() throws Exception {
        String username = Users.create("csrf");
        Browser browser = Browser.demo();
        Browser.Page create = browser.login(
                browser.authorize("account-console", KeycloakServer.get().realmUrl() + "/account/", "app-password"),
                username, Users.PASSWORD, null);
        Browser.Form form = create.form("kc-app-password-form");
        String action = form.element().absUrl("action");

        // a cross-site post: the right URL, but none of the victim's cookies
        HttpReply forged = AppPasswordApi.send("POST", action, null, "application/x-www-form-urlencoded", "name=Forged",
                Map.of("Accept", "text/html"));
        assertFalse(forged.body().contains("app-password-value"), "no secret for a forged post");
        assertEquals(0, Users.appPasswords(username).size());

        // the victim's cookies, but without the one-time session code and tab id
        String unbound = action.replaceAll("([?&])(session_code|tab_id)=[^&]*", "$1");
        form.element().attr("action", unbound);
        Browser.Page stripped = form.set("name", "Unbound").submit();
        assertFalse(stripped.body().contains("app-password-value"), stripped.describe());
        assertEquals(0, Users.appPasswords(username).size());

        // the genuine form still works
        form.element().attr("action", action);
        Browser.Page shown = form.set("name", "Genuine").submit();
        assertNotNull(shown.doc().getElementById("app-password-value"), shown.describe());
        AppPasswordApi.ISSUED.add(shown.doc().getElementById("app-password-value").text());
        assertEquals(1, Users.appPasswords(username).size());
    }

    /** A token from an app-password grant can neither use the account REST API nor manage app passwords. */
    @Test
    void anAppPasswordTokenCannotManageTheAccount() {
        String username = Users.create("token");
        String secret = Users.createAppPassword(username, "Mail");
        HttpReply grant = TokenClient.demo().mailLogin(username, secret);
        assertTrue(grant.ok(), grant.toString());
        String token = grant.accessToken();

        HttpReply account = AppPasswordApi.send("GET", KeycloakServer.get().realmUrl() + "/account/credentials",
                token, null, null);
        assertTrue(account.status() == 401 || account.status() == 403, "account API: " + account);

        HttpReply list = AppPasswordApi.list(token);
        assertTrue(list.status() == 401 || list.status() == 403, "list: " + list);
        HttpReply mint = AppPasswordApi.create(token, "Minted by an app password");
        assertTrue(mint.status() == 401 || mint.status() == 403, "create: " + mint);
        HttpReply revoke = AppPasswordApi.delete(token, Users.appPasswords(username).get(0).getId());
        assertTrue(revoke.status() == 401 || revoke.status() == 403, "delete: " + revoke);
        assertEquals(1, Users.appPasswords(username).size());
        assertNotEquals(null, grant.field("app_password_username"));
    }
}
