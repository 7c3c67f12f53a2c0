package io.apppasswords.keycloak.it;

import io.apppasswords.keycloak.it.DirectoryRealm.Mode;
import jakarta.ws.rs.ClientErrorException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;

import java.util.List;
import java.util.Map;

import static io.apppasswords.keycloak.it.DirectoryRealm.DIRECTORY_PASSWORD;
import static io.apppasswords.keycloak.it.DirectoryRealm.OTP_LABEL;
import static io.apppasswords.keycloak.it.DirectoryRealm.accountToken;
import static io.apppasswords.keycloak.it.DirectoryRealm.appPasswords;
import static io.apppasswords.keycloak.it.DirectoryRealm.assertRefused;
import static io.apppasswords.keycloak.it.DirectoryRealm.configureTotp;
import static io.apppasswords.keycloak.it.DirectoryRealm.create;
import static io.apppasswords.keycloak.it.DirectoryRealm.mail;
import static io.apppasswords.keycloak.it.DirectoryRealm.newDirectoryUser;
import static io.apppasswords.keycloak.it.DirectoryRealm.selfUrl;
import static io.apppasswords.keycloak.it.DirectoryRealm.user;
import static io.apppasswords.keycloak.it.DemoRealm.MIXED_SECRET;
import static io.apppasswords.keycloak.it.DemoRealm.MIXED;
import static io.apppasswords.keycloak.it.DemoRealm.MAIL_SECRET;
import static io.apppasswords.keycloak.it.DemoRealm.MAIL;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.mutate;
import static io.apppasswords.keycloak.it.AppPasswordAssertions.waitFor;
import static io.apppasswords.keycloak.it.ForwardAuth.device;
import static io.apppasswords.keycloak.it.ForwardAuth.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Users of a real directory (Debian's slapd with the ppolicy overlay) through Keycloak's LDAP federation, in
 * every storage mode: the core journey, names beside the directory user's OTP device, passwords changed
 * in the directory itself, and a directory that does not answer.
 */
class DirectoryIT {

    @BeforeAll
    static void start() {
        KeycloakServer.get();
        Slapd.get();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aDirectoryUserGoesThroughTheWholeJourney(Mode mode) {
        DirectoryRealm realm = DirectoryRealm.of(mode);
        String uid = newDirectoryUser("journey");
        Totp totp = configureTotp(realm, uid);
        assertTrue(user(realm, uid).credentials().stream().anyMatch(c -> "otp".equals(c.getType())), "OTP stored");

        // Creation page, in German: the OTP device's name is refused with a message saying so, then a new name works.
        Browser browser = new Browser(KeycloakServer.get().baseUrl());
        Browser.Page login = browser.authorize(realm.name(), "account-console", realm.url() + "/account/",
                "app-password", Map.of("ui_locales", "de"));
        Browser.Page page = browser.login(login, uid, DIRECTORY_PASSWORD, totp);
        assertTrue(page.hasForm("kc-app-password-form"), page.describe());
        Browser.Page clash = page.form("kc-app-password-form").set("name", "phone").submit();
        assertNotNull(clash.doc().getElementById("input-error-name"), clash.describe());
        assertTrue(clash.messages().contains("Anmeldemethoden"), clash.describe());
        assertFalse(clash.body().contains("Device already exists"), clash.describe());
        Browser.Page shown = clash.form("kc-app-password-form").set("name", "Laptop").submit();
        assertNotNull(shown.doc().getElementById("app-password-value"), shown.describe());
        String laptop = shown.doc().getElementById("app-password-value").text();
        AppPasswordApi.ISSUED.add(laptop);

        // The API, with a token from the directory password + OTP: the same clash in English, then a new one.
        String bearer = accountToken(realm, uid, DIRECTORY_PASSWORD, totp);
        HttpReply refused = create(realm, bearer, OTP_LABEL);
        assertEquals(409, refused.status(), refused.toString());
        assertEquals("duplicate_name", refused.error(), refused.toString());
        assertTrue(refused.json().path("error_description").asText().contains("other sign-in methods"), refused.toString());
        HttpReply tablet = create(realm, bearer, "Tablet");
        assertEquals(201, tablet.status(), tablet.toString());
        String tabletSecret = tablet.json().path("password").asText();
        assertEquals(2, appPasswords(realm, uid).size());

        // The mail client: app passwords yes, the directory password never, not even with OTP.
        HttpReply ok = mail(realm, uid, laptop);
        assertTrue(ok.ok(), ok.toString());
        assertEquals(uid, ok.field("app_password_username"));
        assertTrue(mail(realm, uid, tabletSecret).ok());
        assertRefused(mail(realm, uid, DIRECTORY_PASSWORD));
        assertRefused(realm.tokens().passwordGrant(MAIL, MAIL_SECRET, uid, DIRECTORY_PASSWORD, totp.fresh()));

        // The mixed flow: directory password + OTP, or an app password.
        assertTrue(realm.tokens().passwordGrant(MIXED, MIXED_SECRET, uid, DIRECTORY_PASSWORD, totp.fresh()).ok());
        assertFalse(realm.tokens().passwordGrant(MIXED, MIXED_SECRET, uid, DIRECTORY_PASSWORD).ok());
        assertTrue(realm.tokens().passwordGrant(MIXED, MIXED_SECRET, uid, laptop).ok());

        // Deleted through the API: refused at once, the other one still works.
        HttpReply deleted = AppPasswordApi.send("DELETE", selfUrl(realm) + "/" + tablet.json().path("id").asText(),
                bearer, null, null);
        assertEquals(204, deleted.status(), deleted.toString());
        assertRefused(mail(realm, uid, tabletSecret));
        assertTrue(mail(realm, uid, laptop).ok());

        // An admin's reset through Keycloak: written to the directory and ending the app passwords, or refused
        // as a whole by a read-only directory, which leaves them alone.
        CredentialRepresentation reset = new CredentialRepresentation();
        reset.setType(CredentialRepresentation.PASSWORD);
        reset.setValue("directory-password-2");
        reset.setTemporary(false);
        if (mode.writable()) {
            user(realm, uid).resetPassword(reset);
            assertRefused(mail(realm, uid, laptop));
            assertTrue(appPasswords(realm, uid).isEmpty());
            assertTrue(realm.tokens().passwordGrant(MIXED, MIXED_SECRET, uid, "directory-password-2", totp.fresh()).ok(),
                    "the new password is the directory's");
        } else {
            assertThrows(ClientErrorException.class, () -> user(realm, uid).resetPassword(reset));
            assertTrue(mail(realm, uid, laptop).ok());
        }
    }

    /**
     * {@code ldappasswd} changes the password in the directory, which tells Keycloak nothing; the ppolicy
     * overlay's {@code pwdChangedTime}, mapped into the user attribute the policy names, dates it.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPasswordChangedInTheDirectoryEndsTheOlderAppPasswords(Mode mode) throws InterruptedException {
        DirectoryRealm realm = DirectoryRealm.of(mode);
        String uid = newDirectoryUser("ldappasswd");
        String bearer = accountToken(realm, uid, DIRECTORY_PASSWORD, null);
        HttpReply old = create(realm, bearer, "Old phone");
        assertEquals(201, old.status(), old.toString());
        String oldSecret = old.json().path("password").asText();
        assertTrue(mail(realm, uid, oldSecret).ok(), "works before the change (no pwdChangedTime yet)");

        Thread.sleep(1100); // pwdChangedTime has whole seconds
        Slapd.get().changePassword(uid, "directory-password-2");
        assertNotNull(Slapd.get().attribute(uid, "pwdChangedTime"), "the ppolicy overlay dated the change");
        if (mode.imports()) {
            HttpReply beforeSync = mail(realm, uid, oldSecret);
            System.out.printf("[DirectoryIT] %s: app password older than an ldappasswd change, before the changed-users sync: %s%n",
                    mode, beforeSync.ok() ? "still accepted" : "refused");
            realm.syncChangedUsers();
        }
        assertRefused(mail(realm, uid, oldSecret));
        assertTrue(appPasswords(realm, uid).isEmpty(), "deleted, not just refused");
        String userId = user(realm, uid).toRepresentation().getId();
        List<EventRepresentation> removed = realm.admin().getEvents(List.of("REMOVE_CREDENTIAL"), null, userId,
                null, null, null, 0, 10);
        assertTrue(removed.stream().anyMatch(e -> "password changed".equals(e.getDetails().get("reason"))
                && "Old phone".equals(e.getDetails().get("app_password_name"))), String.valueOf(removed));

        String newBearer = accountToken(realm, uid, "directory-password-2", null);
        HttpReply fresh = create(realm, newBearer, "New phone");
        assertEquals(201, fresh.status(), fresh.toString());
        assertTrue(mail(realm, uid, fresh.json().path("password").asText()).ok(), "one made after the change works");
        assertTrue(mail(realm, uid, fresh.json().path("password").asText()).ok(), "and keeps working");
    }

    /**
     * Keycloak reports a user it cannot reach in the directory as unknown, or serves its imported copy: while
     * the directory is down, the mail server and the reverse proxy hear "try again later" (503
     * {@code temporarily_unavailable}), never "wrong password", for the device's right app password, a wrong
     * one and a name nobody has; once it is back, everything works as before.
     */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"IMPORT_WRITABLE", "NO_IMPORT_READ_ONLY"})
    void anUnreachableDirectoryIsAnOutageNeverAWrongPassword(Mode mode) throws InterruptedException {
        DirectoryRealm realm = DirectoryRealm.of(mode);
        String uid = newDirectoryUser("outage");
        HttpReply created = create(realm, accountToken(realm, uid, DIRECTORY_PASSWORD, null), "Phone");
        assertEquals(201, created.status(), created.toString());
        String secret = created.json().path("password").asText();
        String forwardAuth = realm.url() + "/app-passwords/forward-auth";
        assertTrue(mail(realm, uid, secret).ok());
        assertEquals(200, ForwardAuth.check(forwardAuth, "GET", device(proxy("caldav"), uid, secret)).status());

        Slapd.get().kill();
        try {
            Thread.sleep(1_500); // UserFederation holds "answers" for a second
            List<List<String>> logins = List.of(List.of(uid, secret), List.of(uid, mutate(secret)),
                    List.of("nobody-" + uid, secret));
            for (List<String> login : logins) {
                HttpReply grant = mail(realm, login.get(0), login.get(1));
                assertEquals(503, grant.status(), mode + " " + login + ": " + grant);
                assertEquals("temporarily_unavailable", grant.error(), grant.toString());
                assertEquals("30", grant.header("Retry-After"), grant.toString());
                HttpReply check = ForwardAuth.check(forwardAuth, "GET", device(proxy("caldav"), login.get(0), login.get(1)));
                assertEquals(503, check.status(), mode + " " + login + ": " + check);
                assertEquals("temporarily_unavailable", check.error(), check.toString());
                assertEquals("30", check.header("Retry-After"), check.toString());
                assertNull(check.header("WWW-Authenticate"), "an outage is no wrong password");
            }
            List<EventRepresentation> errors = realm.admin().getEvents(List.of("LOGIN_ERROR"), null, null, null,
                    null, null, 0, 100);
            assertTrue(errors.stream().anyMatch(e -> "temporarily_unavailable".equals(e.getError())
                    && String.valueOf(e.getDetails().get("reason")).contains("openldap")), String.valueOf(errors));
        } finally {
            Slapd.get().restart();
        }
        waitFor(() -> mail(realm, uid, secret).ok());
        assertEquals(200, ForwardAuth.check(forwardAuth, "GET", device(proxy("caldav"), uid, secret)).status());
        assertRefused(mail(realm, uid, mutate(secret)));
        assertEquals(401, ForwardAuth.check(forwardAuth, "GET", device(proxy("caldav"), "nobody-" + uid, secret)).status());
    }
}
