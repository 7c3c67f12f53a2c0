package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.apppasswords.keycloak.it.TokenClient.mail;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.assertInvalidGrant;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.find;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.texts;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.waitFor;
import static io.apppasswords.keycloak.it.DemoRealm.MIXED;
import static io.apppasswords.keycloak.it.DemoRealm.MIXED_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The realm policy (issue 4), set as an admin sets it and checked as users and mail servers meet it: the
 * self-service API, the creation page and the token endpoint.
 */
class PolicyIT {

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @AfterEach
    void restoreDemoPolicy() {
        Policy.reset();
    }

    private static HttpReply create(String token, String json) {
        return AppPasswordApi.createJson(token, json);
    }

    // ------------------------------------------------------------------------------------------ admin side

    @Test
    void theAdminConsoleGetsEverySettingWithItsDefaultAndTyposAreRefused() {
        Map<String, String> defaults = new HashMap<>();
        for (JsonNode property : Policy.description().path("properties")) {
            defaults.put(property.path("name").asText(), property.path("defaultValue").asText(""));
        }
        assertEquals("true", defaults.get("requireSecondFactor"));
        assertEquals("40", defaults.get("maxPerUser"));
        assertEquals("0", defaults.get("defaultLifetimeDays"));
        assertEquals("0", defaults.get("maxLifetimeDays"));
        assertEquals("true", defaults.get("revokeOnPasswordChange"));
        assertEquals("true", defaults.get("revokeOnSecondFactorRemoval"));
        assertEquals("30", defaults.get("expiredGraceDays"));
        assertTrue(defaults.containsKey("allowedGroups") && defaults.containsKey("allowedRoles")
                && defaults.containsKey("allowedClients"), defaults.toString());
        assertTrue(defaults.containsKey("max_auth_age"), "Keycloak's own setting stays");

        assertEquals(400, Policy.put(Map.of("maxPerUser", "0")).status());
        assertEquals(400, Policy.put(Map.of("maxPerUser", "many")).status());
        assertEquals(400, Policy.put(Map.of("allowedGroups", "/no-such-group")).status());
        assertEquals(400, Policy.put(Map.of("allowedClients", "no-such-client")).status());
        assertEquals(400, Policy.put(Map.of("defaultLifetimeDays", "100", "maxLifetimeDays", "90")).status());
        assertEquals(400, Policy.put(Map.of("max_auth_age", "-1")).status());
    }

    // ------------------------------------------------------------------------------------------ who may create

    @Test
    void onlyListedGroupsOrRolesMayCreate() {
        String groupName = "app-password-users-" + System.nanoTime();
        GroupRepresentation group = new GroupRepresentation();
        group.setName(groupName);
        try (var r = Users.realm().groups().add(group)) {
            assertEquals(201, r.getStatus());
        }
        String roleName = "app-password-role-" + System.nanoTime();
        RoleRepresentation role = new RoleRepresentation();
        role.setName(roleName);
        Users.realm().roles().create(role);
        Policy.demoWith(Map.of("allowedGroups", "/" + groupName, "allowedRoles", roleName));

        String outsider = Users.create("outsider");
        HttpReply refused = AppPasswordApi.create(Users.accountToken(outsider, Users.PASSWORD), "Mail");
        assertEquals(403, refused.status(), refused.toString());
        assertEquals("not_allowed", refused.error());
        assertTrue(refused.json().path("error_description").asText().contains("may not create app passwords"), refused.toString());
        assertTrue(Users.appPasswords(outsider).isEmpty());
        assertEquals(1, Users.realm().getEvents(List.of("UPDATE_CREDENTIAL_ERROR"), null, Users.id(outsider),
                null, null, null, 0, 10).stream().filter(e -> "not_allowed".equals(e.getError())).count());

        // The page says so up front and offers no form.
        Browser browser = Browser.demo();
        Browser.Page page = browser.login(browser.authorize("account-console", server.realmUrl() + "/account/", "app-password"),
                outsider, Users.PASSWORD, null);
        assertFalse(page.hasForm("kc-app-password-form"), page.describe());
        assertTrue(page.messages().contains("may not create app passwords"), page.describe());

        String member = Users.create("member");
        String groupId = Users.realm().groups().groups(groupName, 0, 10).get(0).getId();
        Users.get(member).joinGroup(groupId);
        assertEquals(201, AppPasswordApi.create(Users.accountToken(member, Users.PASSWORD), "Mail").status());

        String holder = Users.create("holder");
        Users.get(holder).roles().realmLevel().add(List.of(Users.realm().roles().get(roleName).toRepresentation()));
        assertEquals(201, AppPasswordApi.create(Users.accountToken(holder, Users.PASSWORD), "Mail").status());
    }

    @Test
    void aSecondFactorIsRequiredByDefault() {
        Policy.set(Map.of()); // no settings at all: the defaults
        String plain = Users.create("no2fa");
        HttpReply refused = AppPasswordApi.create(Users.accountToken(plain, Users.PASSWORD), "Mail");
        assertEquals(403, refused.status(), refused.toString());
        assertEquals("not_allowed", refused.error());
        assertTrue(refused.json().path("error_description").asText().contains("two-factor"), refused.toString());

        Totp totp = Users.newTotp();
        String with = Users.create("with2fa", totp);
        assertEquals(201, AppPasswordApi.create(Users.accountToken(with, Users.PASSWORD, totp), "Mail").status());
    }

    // ------------------------------------------------------------------------------------------ how many

    @Test
    void theMaximumHoldsUnderTwentyConcurrentCreates() throws Exception {
        Policy.demoWith(Map.of("maxPerUser", "5"));
        String username = Users.create("burst");
        String token = Users.accountToken(username, Users.PASSWORD);

        int requests = 20;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        List<Future<HttpReply>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < requests; i++) {
                String name = "Device " + i;
                Callable<HttpReply> call = () -> {
                    go.await();
                    return AppPasswordApi.create(token, name);
                };
                replies.add(pool.submit(call));
            }
            go.countDown();
            Map<Integer, Integer> byStatus = new HashMap<>();
            for (Future<HttpReply> f : replies) {
                HttpReply reply = f.get();
                byStatus.merge(reply.status(), 1, Integer::sum);
                if (reply.status() != 201) {
                    assertEquals(409, reply.status(), reply.toString());
                    assertEquals("limit_reached", reply.error(), reply.toString());
                    assertTrue(reply.json().path("error_description").asText().contains("maximum of 5"), reply.toString());
                }
            }
            assertEquals(Map.of(201, 5, 409, 15), byStatus);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(5, Users.appPasswords(username).size());

        HttpReply sixth = AppPasswordApi.create(token, "One more");
        assertEquals(409, sixth.status());
        assertEquals(5, Users.appPasswords(username).size());

        // Every refusal is an event an admin can count.
        List<EventRepresentation> refusals = Users.realm().getEvents(List.of("UPDATE_CREDENTIAL_ERROR"), null,
                Users.id(username), null, null, null, 0, 100);
        assertEquals(16, refusals.stream().filter(e -> "limit_reached".equals(e.getError())
                && "app-password".equals(e.getDetails().get("credential_type"))).count(), refusals.toString());
    }

    // ------------------------------------------------------------------------------------------ how long

    @Test
    void lifetimeDefaultAndMaximum() {
        Policy.demoWith(Map.of("defaultLifetimeDays", "30", "maxLifetimeDays", "90"));
        String username = Users.create("lifetime");
        String token = Users.accountToken(username, Users.PASSWORD);

        HttpReply byDefault = AppPasswordApi.create(token, "Default");
        assertEquals(201, byDefault.status(), byDefault.toString());
        assertAbout(Instant.now().plus(Duration.ofDays(30)), byDefault.json().path("expiresAt").asText());

        HttpReply tooLate = create(token, "{\"name\":\"Late\",\"expiresAt\":\"" + Instant.now().plus(Duration.ofDays(91)) + "\"}");
        assertEquals(400, tooLate.status(), tooLate.toString());
        assertEquals("invalid_expiry", tooLate.error());
        assertTrue(tooLate.json().path("error_description").asText().contains("at most 90 days"), tooLate.toString());
        assertEquals(400, create(token, "{\"name\":\"Never\",\"expiresAt\":\"never\"}").status());
        assertEquals(400, create(token, "{\"name\":\"Past\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}").status());

        Instant sixty = Instant.now().plus(Duration.ofDays(60));
        HttpReply chosen = create(token, "{\"name\":\"Chosen\",\"expiresAt\":\"" + sixty + "\"}");
        assertEquals(201, chosen.status(), chosen.toString());
        assertAbout(sixty, chosen.json().path("expiresAt").asText());

        // The page offers the lifetimes the policy allows, the default preselected, and no "never".
        Browser browser = Browser.demo();
        Browser.Page page = browser.login(browser.authorize("account-console", server.realmUrl() + "/account/", "app-password"),
                username, Users.PASSWORD, null);
        List<String> options = page.doc().select("#app-password-lifetime option").eachAttr("value");
        assertEquals(List.of("7", "30", "90"), options, page.describe());
        assertEquals("30", page.doc().selectFirst("#app-password-lifetime option[selected]").attr("value"));
        Browser.Page refused = page.form("kc-app-password-form").set("name", "Forged").set("lifetimeDays", "0").submit();
        assertTrue(refused.messages().contains("at most 90 days"), refused.describe());
        Browser.Page created = refused.form("kc-app-password-form").set("name", "Week").set("lifetimeDays", "7").submit();
        assertNotNull(created.doc().getElementById("app-password-value"), created.describe());
        JsonNode week = find(AppPasswordApi.list(token).json(), "Week");
        assertAbout(Instant.now().plus(Duration.ofDays(7)), week.path("expiresAt").asText());
    }

    @Test
    void anExpiredAppPasswordIsRefusedAtTheNextLoginShownAsExpiredAndCleanedUpAfterTheGracePeriod() throws Exception {
        String username = Users.create("expiry");
        String token = Users.accountToken(username, Users.PASSWORD);
        Instant soon = Instant.now().plusSeconds(4);
        HttpReply reply = create(token, "{\"name\":\"Soon\",\"expiresAt\":\"" + soon + "\"}");
        assertEquals(201, reply.status(), reply.toString());
        String secret = reply.json().path("password").asText();
        String id = reply.json().path("id").asText();
        assertTrue(mail(username, secret).ok());

        while (Instant.now().isBefore(soon.plusMillis(200))) {
            Thread.sleep(200);
        }
        assertInvalidGrant(mail(username, secret));

        // Within the grace period (30 days by default) it stays, marked as expired in the account console.
        Thread.sleep(3000); // more than one clean-up interval of the test server
        JsonNode accountCredentials = accountCredentials(token);
        JsonNode shown = null;
        for (JsonNode type : accountCredentials) {
            if ("app-password".equals(type.path("type").asText())) {
                shown = type.path("userCredentialMetadatas").get(0);
            }
        }
        assertNotNull(shown, accountCredentials.toString());
        assertEquals("appPasswordExpiredTitle", shown.path("warningMessageTitle").path("key").asText(), shown.toString());
        assertTrue(find(AppPasswordApi.list(token).json(), "Soon").path("expired").asBoolean());
        HttpReply admin = AppPasswordApi.send("GET", AppPasswordApi.adminUrl() + "/users/" + Users.id(username),
                Policy.adminToken(), null, null);
        assertTrue(find(admin.json(), "Soon").path("expired").asBoolean(), admin.toString());

        Policy.demoWith(Map.of("expiredGraceDays", "0"));
        waitFor(() -> Users.appPasswords(username).isEmpty());
        List<EventRepresentation> removed = Users.realm().getEvents(List.of("REMOVE_CREDENTIAL"), null,
                Users.id(username), null, null, null, 0, 10);
        assertTrue(removed.stream().anyMatch(e -> id.equals(e.getDetails().get("credential_id"))
                && "expired".equals(e.getDetails().get("reason"))), removed.toString());
    }

    // ------------------------------------------------------------------------------------------ which clients

    @Test
    void clientRestrictionComesFromThePolicysListAndHoldsAtTheNextLogin() {
        String username = Users.create("clients");
        String token = Users.accountToken(username, Users.PASSWORD);
        HttpReply notListed = create(token, "{\"name\":\"CLI\",\"clients\":[\"demo-cli\"]}");
        assertEquals(400, notListed.status(), notListed.toString());
        assertEquals("invalid_client", notListed.error());

        HttpReply restricted = create(token, "{\"name\":\"Mail only\",\"clients\":[\"mail-server\"]}");
        assertEquals(201, restricted.status(), restricted.toString());
        String secret = restricted.json().path("password").asText();
        assertTrue(mail(username, secret).ok());
        HttpReply other = TokenClient.demo().passwordGrant(MIXED, MIXED_SECRET, username, secret);
        assertFalse(other.ok(), other.toString());

        // On the page: one checkbox per listed client.
        Browser browser = Browser.demo();
        Browser.Page page = browser.login(browser.authorize("account-console", server.realmUrl() + "/account/", "app-password"),
                username, Users.PASSWORD, null);
        assertEquals(List.of("mail-server", "mail-mixed"),
                page.doc().select("#app-password-clients input[type=checkbox]").eachAttr("value"), page.describe());
        Browser.Page created = page.form("kc-app-password-form").set("name", "Picked").set("clients", "mail-mixed").submit();
        String picked = created.doc().getElementById("app-password-value").text();
        assertTrue(TokenClient.demo().passwordGrant(MIXED, MIXED_SECRET, username, picked).ok());
        assertFalse(mail(username, picked).ok());
        assertEquals(List.of("mail-mixed"), texts(find(AppPasswordApi.list(token).json(), "Picked").path("clients")));
    }

    // ------------------------------------------------------------------------------------------ revocation

    @Test
    void anAdminPasswordResetRevokesAllAppPasswords() {
        String username = Users.create("adminreset");
        String secret = Users.createAppPassword(username, "Mail");
        Users.createAppPassword(username, "Phone");
        Users.get(username).resetPassword(Users.password("another-password-2"));
        assertTrue(Users.appPasswords(username).isEmpty());
        assertFalse(mail(username, secret).ok());
        List<EventRepresentation> removed = Users.realm().getEvents(List.of("REMOVE_CREDENTIAL"), null,
                Users.id(username), null, null, null, 0, 10);
        assertEquals(2, removed.stream().filter(e -> "password changed".equals(e.getDetails().get("reason"))).count(),
                removed.toString());
    }

    @Test
    void aPasswordSetInAnAdminsFullUserUpdateRevokesThem() {
        String username = Users.create("adminput");
        String secret = Users.createAppPassword(username, "Mail");
        UserRepresentation user = Users.get(username).toRepresentation();
        user.setCredentials(List.of(Users.password("another-password-6")));
        Users.get(username).update(user); // PUT users/{id}: Keycloak sends no password event for it
        assertTrue(Users.appPasswords(username).isEmpty());
        assertFalse(mail(username, secret).ok());

        // an update without a new password keeps them
        HttpReply kept = AppPasswordApi.create(Users.accountToken(username, "another-password-6"), "Phone");
        assertEquals(201, kept.status(), kept.toString());
        UserRepresentation renamed = Users.get(username).toRepresentation();
        renamed.setFirstName("Renamed");
        Users.get(username).update(renamed);
        assertTrue(mail(username, kept.json().path("password").asText()).ok());
    }

    @Test
    void anAppPasswordOlderThanThePasswordIsRefusedAtLoginWhenRevocationIsOn() {
        // a change the extension does not act on at the time (revocation off then), like any path without an event
        Policy.demoWith(Map.of("revokeOnPasswordChange", "false"));
        String username = Users.create("olderthan");
        String secret = Users.createAppPassword(username, "Mail");
        Users.get(username).resetPassword(Users.password("another-password-7"));
        assertTrue(mail(username, secret).ok());

        Policy.reset(); // revocation on: the login compares the dates
        assertInvalidGrant(mail(username, secret));
        assertTrue(Users.appPasswords(username).isEmpty());
        List<EventRepresentation> removed = Users.realm().getEvents(List.of("REMOVE_CREDENTIAL"), null,
                Users.id(username), null, null, null, 0, 10);
        assertEquals(1, removed.stream().filter(e -> "password changed".equals(e.getDetails().get("reason"))).count(),
                removed.toString());
        HttpReply fresh = AppPasswordApi.create(Users.accountToken(username, "another-password-7"), "Mail again");
        assertEquals(201, fresh.status(), fresh.toString());
        assertTrue(mail(username, fresh.json().path("password").asText()).ok());
    }

    @Test
    void theUsersOwnPasswordChangeRevokesAllAppPasswords() {
        String username = Users.create("selfchange");
        String secret = Users.createAppPassword(username, "Mail");
        changeOwnPassword(username, Users.PASSWORD, "changed-password-3");
        assertTrue(Users.appPasswords(username).isEmpty());
        assertFalse(mail(username, secret).ok());
    }

    @Test
    void withRevocationOffAPasswordChangeKeepsThem() {
        Policy.demoWith(Map.of("revokeOnPasswordChange", "false"));
        String username = Users.create("keep");
        String secret = Users.createAppPassword(username, "Mail");
        changeOwnPassword(username, Users.PASSWORD, "changed-password-4");
        Users.get(username).resetPassword(Users.password("another-password-5"));
        assertEquals(1, Users.appPasswords(username).size());
        assertTrue(mail(username, secret).ok());
    }

    @Test
    void removingTheLastSecondFactorRevokesThemWhenThePolicyRequiresOne() {
        Policy.demoWith(Map.of("requireSecondFactor", "true"));
        Totp totp = Users.newTotp();
        String username = Users.create("otpgone", totp);
        String secret = Users.createAppPassword(username, "Mail", totp);
        CredentialRepresentation otp = Users.get(username).credentials().stream()
                .filter(c -> "otp".equals(c.getType())).findFirst().orElseThrow();
        Users.get(username).removeCredential(otp.getId());
        assertTrue(Users.appPasswords(username).isEmpty());
        assertFalse(mail(username, secret).ok());

        // The same when users remove it themselves (the account console's delete_credential action).
        Totp own = Users.newTotp();
        String self = Users.create("otpself", own);
        Users.createAppPassword(self, "Mail", own);
        String ownOtp = Users.get(self).credentials().stream().filter(c -> "otp".equals(c.getType()))
                .findFirst().orElseThrow().getId();
        Browser browser = Browser.demo();
        Browser.Page confirm = browser.login(browser.authorize("account-console", server.realmUrl() + "/account/",
                "delete_credential:" + ownOtp), self, Users.PASSWORD, own);
        Browser.Page done = confirm.firstForm().submit("accept");
        assertEquals("success", done.redirectParam("kc_action_status"), done.describe());
        assertTrue(Users.appPasswords(self).isEmpty());

        // Not required: removing OTP leaves them alone.
        Policy.demoWith(Map.of("requireSecondFactor", "false"));
        Totp other = Users.newTotp();
        String relaxed = Users.create("otpkept", other);
        Users.createAppPassword(relaxed, "Mail", other);
        String otpId = Users.get(relaxed).credentials().stream().filter(c -> "otp".equals(c.getType()))
                .findFirst().orElseThrow().getId();
        Users.get(relaxed).removeCredential(otpId);
        assertEquals(1, Users.appPasswords(relaxed).size());
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The account console's "update password" action, as the user runs it. */
    private static void changeOwnPassword(String username, String oldPassword, String newPassword) {
        Browser browser = Browser.demo();
        Browser.Page page = browser.login(browser.authorize("account-console", server.realmUrl() + "/account/", "UPDATE_PASSWORD"),
                username, oldPassword, null);
        Browser.Page done = page.form("kc-passwd-update-form").set("password-new", newPassword)
                .set("password-confirm", newPassword).submit();
        assertTrue(done.redirected(), done.describe());
        assertEquals("success", done.redirectParam("kc_action_status"), done.location());
    }

    private static JsonNode accountCredentials(String token) {
        HttpReply reply = AppPasswordApi.send("GET", server.realmUrl() + "/account/credentials", token, null, null);
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    private static void assertAbout(Instant expected, String actual) {
        assertNotNull(actual);
        long diff = Math.abs(Duration.between(expected, Instant.parse(actual)).toSeconds());
        assertTrue(diff < 120, "expected about " + expected + " but was " + actual);
    }
}
