package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.apppasswords.keycloak.it.DavClient.Kind.CALENDARS;
import static io.apppasswords.keycloak.it.DavClient.Kind.CONTACTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calendars, contacts and files through Debian's nginx (and Caddy) and Radicale with the configuration
 * docs/HTTP-SERVICES.md shows ({@link DavServers}), synced by a real client ({@link DavClient}, vdirsyncer): what the docs claim about
 * which app password reaches what.
 */
class DavServicesIT {

    private static DavServers servers;

    @BeforeAll
    static void start() {
        servers = DavServers.get();
    }

    @Test
    void anAppPasswordSyncsAnEventAndAContactThroughOneRadicale() {
        String username = Users.create("dav");
        String secret = Users.createAppPassword(username, "Phone");

        DavClient calendars = new DavClient(servers.oneRadicaleUrl(), CALENDARS, username, secret);
        assertOk(calendars.upload("work", "meeting-1", DavClient.event("meeting-1", "Team meeting")));
        DavClient.Result events = calendars.read();
        assertOk(events);
        assertTrue(events.items().get("work/meeting-1.ics").contains("SUMMARY:Team meeting"), events.items().toString());

        DavClient contacts = new DavClient(servers.oneRadicaleUrl(), CONTACTS, username, secret);
        assertOk(contacts.upload("people", "bob-1", DavClient.contact("bob-1", "Bob Example")));
        DavClient.Result people = contacts.read();
        assertOk(people);
        assertTrue(people.items().get("people/bob-1.vcf").contains("FN:Bob Example"), people.items().toString());
    }

    @Test
    void wrongRevokedAndMainPasswordsAreAskedForAgain() {
        String username = Users.create("davbad");
        String secret = Users.createAppPassword(username, "Laptop");
        assertOk(new DavClient(servers.oneRadicaleUrl(), CALENDARS, username, secret)
                .upload("home", "dentist", DavClient.event("dentist", "Dentist")));
        assertEquals(204, AppPasswordApi.delete(Users.accountToken(username, Users.PASSWORD),
                Users.appPasswordId(username, "Laptop")).status());

        Map<String, String> refused = Map.of("wrong", AppPasswordAssertions.mutate(secret), "revoked", secret,
                "main password", Users.PASSWORD);
        refused.forEach((what, password) -> {
            HttpReply r = ForwardAuth.check(servers.oneRadicaleUrl() + username + "/", "PROPFIND",
                    Map.of("Depth", "0", "Authorization", ForwardAuth.basic(username, password)));
            assertEquals(401, r.status(), what + ": " + r);
            assertEquals("Basic realm=\"App passwords demo\", charset=\"UTF-8\"", r.header("WWW-Authenticate"), what);
        });
        DavClient.Result stale = new DavClient(servers.oneRadicaleUrl(), CALENDARS, username, secret).read();
        assertFalse(stale.ok());
        assertTrue(stale.output().contains("401"), stale.output());
    }

    @Test
    void separateServersKeepCalendarsContactsAndFilesApart() {
        String username = Users.create("davsep");
        String token = Users.accountToken(username, Users.PASSWORD);
        String calendarOnly = AppPasswordApi.createSecret(token, Map.of("name", "Calendar", "protocols", List.of("caldav")));
        String contactsOnly = AppPasswordApi.createSecret(token, Map.of("name", "Contacts", "protocols", List.of("carddav")));
        String filesOnly = AppPasswordApi.createSecret(token, Map.of("name", "Scanner", "protocols", List.of("webdav")));
        String calendarsUrl = servers.separateUrl() + "calendars/";
        String contactsUrl = servers.separateUrl() + "contacts/";
        String filesUrl = servers.separateUrl() + "files/" + username + "-scan.txt";

        assertOk(new DavClient(calendarsUrl, CALENDARS, username, calendarOnly).upload("work", "e1", DavClient.event("e1", "Review")));
        assertOk(new DavClient(contactsUrl, CONTACTS, username, contactsOnly).upload("people", "c1", DavClient.contact("c1", "Carol")));
        assertEquals(201, ForwardAuth.check(filesUrl, "PUT", Map.of("Authorization", ForwardAuth.basic(username, filesOnly))).status());
        HttpReply listing = ForwardAuth.check(servers.separateUrl() + "files/", "PROPFIND",
                Map.of("Depth", "1", "Authorization", ForwardAuth.basic(username, filesOnly)));
        assertEquals(207, listing.status(), listing.toString());
        assertTrue(listing.body().contains(username + "-scan.txt"), listing.body());

        assertRefused(new DavClient(contactsUrl, CONTACTS, username, calendarOnly).read(), "calendars only, contacts server");
        assertRefused(new DavClient(calendarsUrl, CALENDARS, username, contactsOnly).read(), "contacts only, calendar server");
        assertRefused(new DavClient(calendarsUrl, CALENDARS, username, filesOnly).read(), "files only, calendar server");
        assertEquals(401, ForwardAuth.check(filesUrl, "GET", Map.of("Authorization", ForwardAuth.basic(username, calendarOnly))).status());
        assertEquals(401, ForwardAuth.check(filesUrl, "GET", Map.of("Authorization", ForwardAuth.basic(username, contactsOnly))).status());
        assertEquals(200, ForwardAuth.check(filesUrl, "GET", Map.of("Authorization", ForwardAuth.basic(username, filesOnly))).status());
    }

    @Test
    void behindOneRadicaleCalendarsAndContactsActAsOne() {
        String username = Users.create("davone");
        String token = Users.accountToken(username, Users.PASSWORD);
        String calendarOnly = AppPasswordApi.createSecret(token, Map.of("name", "Calendar", "protocols", List.of("caldav")));
        String contactsOnly = AppPasswordApi.createSecret(token, Map.of("name", "Contacts", "protocols", List.of("carddav")));

        // The proxy names the one Radicale caldav: a calendar-only app password reaches the contacts too...
        assertOk(new DavClient(servers.oneRadicaleUrl(), CONTACTS, username, calendarOnly)
                .upload("people", "d1", DavClient.contact("d1", "Dave")));
        // ...and a contacts-only one reaches neither.
        assertRefused(new DavClient(servers.oneRadicaleUrl(), CONTACTS, username, contactsOnly).read(), "contacts only, one Radicale");
    }

    @Test
    void aProxyWithAWrongSecretGetsItsDevices403NeverAPasswordPrompt() {
        String username = Users.create("davproxy");
        String secret = Users.createAppPassword(username, "Phone");
        DavServers misconfigured = DavServers.withProxySecret("not-the-secret");
        try {
            HttpReply r = ForwardAuth.check(misconfigured.oneRadicaleUrl() + username + "/", "PROPFIND",
                    Map.of("Depth", "0", "Authorization", ForwardAuth.basic(username, secret)));
            assertEquals(403, r.status(), r.toString());
            assertNull(r.header("WWW-Authenticate"), "a device must not ask for the password again");
            DavClient.Result sync = new DavClient(misconfigured.oneRadicaleUrl(), CALENDARS, username, secret).read();
            assertFalse(sync.ok());
            assertTrue(sync.output().contains("403"), sync.output());
        } finally {
            misconfigured.stop();
        }
    }

    @Test
    void theDocsCaddyfileChecksEveryRequestAsNginxDoes() {
        String username = Users.create("davcaddy");
        String secret = Users.createAppPassword(username, "Tablet");
        DavClient calendars = new DavClient(servers.caddyUrl(), CALENDARS, username, secret);
        assertOk(calendars.upload("home", "caddy-1", DavClient.event("caddy-1", "Through Caddy")));
        DavClient.Result events = calendars.read();
        assertOk(events);
        assertTrue(events.items().get("home/caddy-1.ics").contains("SUMMARY:Through Caddy"), events.items().toString());

        HttpReply wrong = ForwardAuth.check(servers.caddyUrl() + username + "/", "PROPFIND",
                Map.of("Depth", "0", "Authorization", ForwardAuth.basic(username, AppPasswordAssertions.mutate(secret))));
        assertEquals(401, wrong.status(), wrong.toString());
        assertEquals("Basic realm=\"App passwords demo\", charset=\"UTF-8\"", wrong.header("WWW-Authenticate"));
        assertEquals(401, ForwardAuth.check(servers.caddyUrl() + username + "/", "PROPFIND", Map.of("Depth", "0")).status(),
                "no credentials");
    }

    /** The proxy, not the device, names the user to Radicale: a device's own X-Remote-User is overwritten. */
    @Test
    void aDeviceCannotNameAnotherUserToTheCalendarServer() {
        String victim = Users.create("davvictim");
        assertOk(new DavClient(servers.oneRadicaleUrl(), CALENDARS, victim, Users.createAppPassword(victim, "Phone"))
                .upload("private", "v1", DavClient.event("v1", "Private")));
        String attacker = Users.create("davattacker");
        String secret = Users.createAppPassword(attacker, "Laptop");
        for (String proxy : List.of(servers.oneRadicaleUrl(), servers.caddyUrl())) {
            HttpReply own = ForwardAuth.check(proxy + attacker + "/", "PROPFIND",
                    Map.of("Depth", "0", "Authorization", ForwardAuth.basic(attacker, secret), "X-Remote-User", victim));
            assertEquals(207, own.status(), proxy + ": " + own);
            HttpReply other = ForwardAuth.check(proxy + victim + "/", "PROPFIND",
                    Map.of("Depth", "1", "Authorization", ForwardAuth.basic(attacker, secret), "X-Remote-User", victim));
            assertEquals(403, other.status(), proxy + ": " + other);
        }
    }

    private static void assertOk(DavClient.Result result) {
        assertTrue(result.ok(), result.output() + "\n" + servers.errorLog());
    }

    private static void assertRefused(DavClient.Result result, String what) {
        assertFalse(result.ok(), what + ": " + result.output());
        assertTrue(result.output().contains("401"), what + ": " + result.output());
    }
}
