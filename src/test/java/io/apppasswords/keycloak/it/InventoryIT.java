package io.apppasswords.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.apppasswords.keycloak.it.Users.imported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET} and {@code DELETE /admin/realms/demo/app-passwords}: the realm-wide inventory, its filters, paging,
 * CSV and bulk revocation. The demo realm holds other tests' users too, so every call here is scoped with a
 * {@code search} for user names only this class makes.
 */
class InventoryIT {


    @BeforeAll
    static void start() {
        KeycloakServer.get();
    }

    /** Two users, seven app passwords: one for each filter to find, with names sorting apart from creation order. */
    private static String[] seedTwoUsers(String prefix) {
        String a = Users.createWithAppPasswords(prefix + "-a", List.of(
                imported("Fresh", 1, 0.1, null),
                imported("Stale", 400, 380.0, null),
                imported("Never old", 400, null, null)));
        String b = Users.createWithAppPasswords(prefix + "-b", List.of(
                imported("Never new", 2, null, null),
                imported("Expiring", 10, 1.0, 5.0),
                imported("Expired", 50, 40.0, -1.0),
                imported("Far", 10, 1.0, 60.0)));
        return new String[]{a, b};
    }

    @Test
    void eachFilterAndCombinationsFindExactlyTheirAppPasswordsSortedByUserThenName() {
        String p = "inv-f-" + UUID.randomUUID().toString().substring(0, 6);
        String[] users = seedTwoUsers(p);
        String a = users[0];
        String b = users[1];

        assertEquals(List.of(a + "/Fresh", a + "/Never old", a + "/Stale",
                        b + "/Expired", b + "/Expiring", b + "/Far", b + "/Never new"),
                names(list("search=" + p)), "all, by user then name");
        assertEquals(List.of(a + "/Never old", b + "/Never new"), names(list("search=" + p + "&neverUsed=true")));
        assertEquals(List.of(a + "/Never old", a + "/Stale"), names(list("search=" + p + "&unusedDays=365")));
        assertEquals(List.of(a + "/Never old", a + "/Stale", b + "/Expired"), names(list("search=" + p + "&unusedDays=30")));
        assertEquals(List.of(b + "/Expiring"), names(list("search=" + p + "&expiringDays=14")));
        assertEquals(List.of(b + "/Expiring", b + "/Far"), names(list("search=" + p + "&expiringDays=90")));
        assertEquals(List.of(b + "/Expired"), names(list("search=" + p + "&expired=true")));
        assertEquals(List.of(a + "/Never old"), names(list("search=" + p + "&neverUsed=true&unusedDays=365")));
        assertEquals(List.of(), names(list("search=" + p + "&expired=true&expiringDays=90")), "disjoint filters");
        assertEquals(List.of(), names(list("search=" + p + "&neverUsed=true&expiringDays=90")));

        // search: user name, e-mail or name, substring, any case; LIKE's wildcards are plain characters
        assertEquals(4, list("search=" + enc(b.toUpperCase())).size(), "user name, any case");
        assertEquals(3, list("search=" + enc(a + "@EXAMPLE.com")).size(), "e-mail");
        String token = UUID.randomUUID().toString().substring(0, 8);
        String c = Users.createWithAppPasswords(p + "-c", List.of(imported("Tablet " + token, 1, null, null),
                imported("Phone", 1, null, null)));
        assertEquals(List.of(c + "/Tablet " + token), names(list("search=" + enc("tABLET " + token.toUpperCase()))), "name");
        assertEquals(List.of(), list("search=" + enc(p + "%")), "% is no wildcard");
        assertEquals(List.of(), list("search=" + enc(p.replace('-', '_'))), "_ is no wildcard");

        // every row: the per-user fields plus the user, never a secret or digest
        for (JsonNode row : list("search=" + p)) {
            Set<String> fields = new java.util.HashSet<>();
            row.fieldNames().forEachRemaining(fields::add);
            Set<String> expected = new java.util.HashSet<>(AppPasswordAssertions.FIELDS);
            expected.addAll(Set.of("userId", "username"));
            assertEquals(expected, fields, row.toString());
            assertEquals(Users.id(row.path("username").asText()), row.path("userId").asText());
        }
        JsonNode expiring = list("search=" + p + "&expiringDays=14").get(0);
        assertFalse(expiring.path("expired").asBoolean());
        assertEquals("192.0.2.7", expiring.path("lastUsedIp").asText());
        assertEquals("mail-server", expiring.path("lastUsedClient").asText());
        assertTrue(list("search=" + p + "&expired=true").get(0).path("expired").asBoolean());
        assertFalse(get("search=" + p, "application/json").body().toLowerCase().contains("digest"));
    }

    @Test
    void pagesAtTheEdgesAndRefusesBadParameters() {
        String p = "inv-p-" + UUID.randomUUID().toString().substring(0, 6);
        seedTwoUsers(p);
        List<String> all = names(list("search=" + p));
        assertEquals(7, all.size());

        List<String> paged = new ArrayList<>();
        for (int first = 0; first < 9; first += 3) {
            paged.addAll(names(list("search=" + p + "&first=" + first + "&max=3")));
        }
        assertEquals(all, paged, "pages of 3 put together");
        assertEquals(all.subList(6, 7), names(list("search=" + p + "&first=6&max=3")), "a last page that is short");
        assertEquals(List.of(), list("search=" + p + "&first=7"), "past the end");
        assertEquals(all.subList(0, 1), names(list("search=" + p + "&max=1")));
        assertEquals(all, names(list("search=" + p + "&max=1000")));
        String many = "inv-m-" + UUID.randomUUID().toString().substring(0, 6);
        List<AppPasswordCredentialModel> hundredAndOne = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            hundredAndOne.add(imported(String.format("App %03d", i), 1, null, null));
        }
        Users.createWithAppPasswords(many, hundredAndOne);
        List<JsonNode> firstPage = list("search=" + many);
        assertEquals(100, firstPage.size(), "a page is 100 by default");
        assertEquals("App 000", firstPage.get(0).path("name").asText());
        assertEquals(101, list("search=" + many + "&max=1000").size());
        assertEquals("App 100", list("search=" + many + "&first=100").get(0).path("name").asText());
        // 500 matching names: past the id look-ups' limit, so the page is read by the ordered walk with the
        // search as its condition; the owner's other app password must stay out.
        String label = "inv-l-" + UUID.randomUUID().toString().substring(0, 6);
        List<AppPasswordCredentialModel> fiveHundred = new ArrayList<>(List.of(imported("Unrelated", 1, null, null)));
        for (int i = 0; i < 500; i++) {
            fiveHundred.add(imported(String.format("%s %03d", label, i), 1, null, null));
        }
        String owner = Users.createWithAppPasswords("inv-l", fiveHundred);
        List<String> walked = names(list("search=" + label.toUpperCase(Locale.ROOT) + "&max=1000"));
        assertEquals(500, walked.size(), "every match, nothing else");
        assertEquals(owner + "/" + label + " 000", walked.get(0));
        assertEquals(owner + "/" + label + " 499", walked.get(499));
        assertEquals(label + " 400", list("search=" + label + "&first=400").get(0).path("name").asText());

        for (String bad : List.of("max=0", "max=1001", "max=x", "first=-1", "first=1.5", "unusedDays=-1",
                "unusedDays=36501", "expiringDays=soon", "neverUsed=yes", "expired=1", "search=" + "x".repeat(256))) {
            HttpReply reply = get(bad, "application/json");
            AppPasswordAssertions.assertError(400, "invalid_request", reply);
        }
    }

    @Test
    void csvHasAHeaderTheSameRowsAndNeutralisesFormulasAndEscapes() {
        String p = "inv-c-" + UUID.randomUUID().toString().substring(0, 6);
        String awkward = "Phone, \"work\"\nsecond line";
        String formula = "=HYPERLINK(\"http://evil.example\",\"click\")";
        String user = Users.createWithAppPasswords(p, List.of(imported(awkward, 1, null, null),
                imported(formula, 1, null, null), imported("+1 plus", 1, null, null), imported("-minus", 1, null, null),
                imported("@at", 1, null, null), imported("Plain", 1, 2.0, null)));

        HttpReply csv = get("search=" + p, "text/csv");
        assertEquals(200, csv.status(), csv.toString());
        assertTrue(csv.header("Content-Type").startsWith("text/csv"), csv.header("Content-Type"));
        List<List<String>> rows = parseCsv(csv.body());
        assertEquals(List.of("id", "userId", "username", "name", "createdAt", "lastUsedAt", "lastUsedIp",
                "lastUsedClient", "expiresAt", "expired", "clients", "protocols", "lastUsedProtocol", "networks"), rows.get(0));
        List<JsonNode> json = list("search=" + p);
        assertEquals(json.size() + 1, rows.size(), csv.body());
        for (int i = 0; i < json.size(); i++) {
            List<String> row = rows.get(i + 1);
            assertEquals(json.get(i).path("id").asText(), row.get(0));
            assertEquals(user, row.get(2));
            String name = json.get(i).path("name").asText();
            assertEquals("=+-@".indexOf(name.charAt(0)) >= 0 ? "'" + name : name, row.get(3), "neutralised, escaped");
        }
        assertTrue(csv.body().contains("\"Phone, \"\"work\"\"\nsecond line\""), csv.body());
        assertTrue(csv.body().contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), csv.body());
        assertTrue(csv.body().contains(",'+1 plus,") && csv.body().contains(",'-minus,") && csv.body().contains(",'@at,"),
                csv.body());
        assertFalse(csv.body().toLowerCase().contains("digest"));

        assertEquals(2, parseCsv(get("search=" + p + "&max=1", "text/csv").body()).size(), "paging applies when asked for");
        assertEquals(200, get("search=" + p, "*/*").status());
        assertTrue(get("search=" + p, "*/*").body().startsWith("["), "JSON unless CSV is asked for");
        assertTrue(get("search=" + p, "text/csv, application/json;q=0.5").body().startsWith("id,"));
    }

    @Test
    void csvCarriesProtocolsAndLastUsedProtocolAsTheJsonRowsDo() {
        String p = "inv-proto-" + UUID.randomUUID().toString().substring(0, 6);
        AppPasswordCredentialModel limited = imported("Limited", 1, 0.5, null);
        limited.getData().setProtocols(List.of("imap", "smtp"));
        limited.getData().setLastUsedProtocol("imap");
        limited.writeData();
        Users.createWithAppPasswords(p, List.of(limited, imported("Open", 1, null, null)));

        List<JsonNode> json = list("search=" + p);
        assertEquals("[\"imap\",\"smtp\"]", json.get(0).path("protocols").toString());
        assertEquals("imap", json.get(0).path("lastUsedProtocol").asText());
        assertTrue(json.get(1).path("protocols").isNull() && json.get(1).path("lastUsedProtocol").isNull(), json.get(1).toString());
        List<List<String>> rows = parseCsv(get("search=" + p, "text/csv").body());
        int protocols = rows.get(0).indexOf("protocols");
        int lastUsedProtocol = rows.get(0).indexOf("lastUsedProtocol");
        assertEquals("Limited", rows.get(1).get(3));
        assertEquals("imap smtp", rows.get(1).get(protocols));
        assertEquals("imap", rows.get(1).get(lastUsedProtocol));
        assertEquals("", rows.get(2).get(protocols), "not limited: empty, as null in JSON");
        assertEquals("", rows.get(2).get(lastUsedProtocol));
    }

    @Test
    void cursorPagesWalkEverythingOnceAndRefuseBadCursors() {
        String p = "inv-k-" + UUID.randomUUID().toString().substring(0, 6);
        seedTwoUsers(p);
        List<String> all = names(list("search=" + p));

        List<String> walked = new ArrayList<>();
        HttpReply page = get("search=" + p + "&max=3", "application/json");
        int pages = 1;
        while (true) {
            assertEquals(200, page.status(), page.toString());
            page.json().forEach(row -> walked.add(row.path("username").asText() + "/" + row.path("name").asText()));
            String next = nextLink(page);
            if (next == null) {
                break;
            }
            assertTrue(next.contains("max=3") && next.contains("search=" + p) && !next.contains("first="), next);
            page = AppPasswordApi.send("GET", next, AppPasswordApi.masterAdminToken(), null, null);
            pages++;
        }
        assertEquals(all, walked, "pages of 3 by cursor put together");
        assertEquals(3, pages, "3 + 3 + 1, the last page has no next link");
        HttpReply exact = get("search=" + p + "&max=7", "application/json");
        assertEquals(7, exact.json().size());
        assertEquals(null, nextLink(exact), "a full last page has no next link");

        // first= pages link to the cursor of their last row as well; the cursor skips rows revoked behind it
        HttpReply second = get("search=" + p + "&first=3&max=3", "application/json");
        String after = cursor(nextLink(second));
        assertEquals(all.subList(6, 7), names(list("search=" + p + "&after=" + after + "&max=3")));
        String a = all.get(0).substring(0, all.get(0).indexOf('/'));
        assertEquals(204, send("DELETE", "/users/" + Users.id(a), AppPasswordApi.masterAdminToken()).status());
        assertEquals(all.subList(6, 7), names(list("search=" + p + "&after=" + after + "&max=3")), "nothing shifts");

        assertEquals(List.of(), list("search=inv-none-" + UUID.randomUUID() + "&after=" + after), "empty");
        assertEquals(null, nextLink(get("search=inv-none-" + UUID.randomUUID(), "application/json")));
        HttpReply csvPage = get("search=" + p + "&after=" + cursor(nextLink(get("search=" + p + "&max=1", "application/json")))
                + "&max=1", "text/csv");
        assertEquals(2, parseCsv(csvPage.body()).size(), csvPage.body());
        assertTrue(nextLink(csvPage) != null, "CSV pages link the next page too");

        String notJson = java.util.Base64.getUrlEncoder().encodeToString("nope".getBytes(StandardCharsets.UTF_8));
        String twoParts = java.util.Base64.getUrlEncoder().encodeToString("[\"a\",\"b\"]".getBytes(StandardCharsets.UTF_8));
        assertEquals(all.subList(3, 7), names(list("search=" + p + "&after=")), "a blank cursor: from the start (the first user's were revoked above)");
        for (String bad : List.of("after=%25%25%25", "after=" + notJson, "after=" + twoParts,
                "after=" + enc("[\"a\",\"b\",\"c\"]"), "after=" + after + "&first=0")) {
            AppPasswordAssertions.assertError(400, "invalid_request", get("search=" + p + "&" + bad, "application/json"));
            AppPasswordAssertions.assertError(400, "invalid_request", get("search=" + p + "&" + bad, "text/csv"));
        }
    }

    /** The URL of a {@code Link: <url>; rel="next"} header, {@code null} without one. */
    private static String nextLink(HttpReply reply) {
        String link = reply.header("Link");
        if (link == null) {
            return null;
        }
        assertTrue(link.startsWith("<") && link.contains(">;") && link.contains("rel=\"next\""), link);
        return link.substring(1, link.indexOf('>'));
    }

    private static String cursor(String url) {
        String tail = url.substring(url.indexOf("after=") + "after=".length());
        return tail.contains("&") ? tail.substring(0, tail.indexOf('&')) : tail;
    }

    @Test
    void viewUsersListsManageUsersRevokesOthersAreRefused() {
        String p = "inv-perm-" + UUID.randomUUID().toString().substring(0, 6);
        Users.createWithAppPasswords(p, List.of(imported("Old", 400, null, null)));
        String query = "?search=" + p;

        String viewer = Fixtures.realmAdminToken("view-users");
        assertEquals(200, send("GET", query, viewer).status());
        assertEquals(403, send("DELETE", query, viewer).status());

        String nobody = Fixtures.realmAdminToken();
        assertEquals(403, send("GET", query, nobody).status());
        assertEquals(403, send("DELETE", query, nobody).status());

        String plain = Users.create("inv-plain");
        String account = Users.accountToken(plain, Users.PASSWORD);
        assertEquals(403, send("GET", query, account).status(), "a user's own account token");
        assertEquals(403, send("DELETE", query, account).status());
        assertEquals(401, send("GET", query, null).status());

        String otherRealmAdmin = otherRealmAdminToken();
        int other = send("GET", query, otherRealmAdmin).status();
        assertTrue(other == 401 || other == 403, "another realm's admin: " + other);
        int otherDelete = send("DELETE", query, otherRealmAdmin).status();
        assertTrue(otherDelete == 401 || otherDelete == 403, "another realm's admin: " + otherDelete);
        assertEquals(1, list("search=" + p).size(), "nothing was revoked so far");

        String manager = Fixtures.realmAdminToken("manage-users");
        HttpReply revoked = send("DELETE", query, manager);
        assertEquals(200, revoked.status(), revoked.toString());
        assertEquals(1, revoked.json().path("revoked").asInt());
        assertEquals(0, list("search=" + p).size());
    }

    @Test
    void bulkRevocationNeedsAFilterRevokesExactlyTheMatchesAndIsEvented() throws Exception {
        String p = "inv-bulk-" + UUID.randomUUID().toString().substring(0, 6);
        String[] users = seedTwoUsers(p);
        String live = Users.create(p + "-live");
        String secret = Users.createAppPassword(live, "Never used yet");
        String admin = AppPasswordApi.masterAdminToken();

        HttpReply refused = send("DELETE", "", admin);
        AppPasswordAssertions.assertError(400, "filter_required", refused);
        AppPasswordAssertions.assertError(400, "filter_required", send("DELETE", "?neverUsed=false&search=%20", admin));
        AppPasswordAssertions.assertError(400, "invalid_request", send("DELETE", "?unusedDays=x", admin));
        assertEquals(8, list("search=" + p).size(), "nothing revoked");

        List<String> expected = names(list("search=" + p + "&neverUsed=true"));
        assertEquals(3, expected.size(), expected.toString());
        HttpReply done = send("DELETE", "?search=" + p + "&neverUsed=true", admin);
        assertEquals(200, done.status(), done.toString());
        assertEquals(3, done.json().path("revoked").asInt(), done.body());
        List<String> left = names(list("search=" + p));
        assertEquals(5, left.size(), left.toString());
        assertTrue(left.stream().noneMatch(expected::contains), left.toString());
        assertFalse(TokenClient.demo().passwordGrant(DemoRealm.MAIL, DemoRealm.MAIL_SECRET, live, secret).ok(),
                "revoked: refused at login");
        assertEquals(0, send("DELETE", "?search=" + p + "&neverUsed=true", admin).json().path("revoked").asInt(),
                "nothing left to match");

        // a REMOVE_CREDENTIAL user event per app password, with the reason
        for (String user : List.of(users[0], users[1], live)) {
            List<EventRepresentation> removed = Users.realm().getEvents(List.of("REMOVE_CREDENTIAL"), null,
                    Users.id(user), null, null, null, 0, 100);
            assertEquals(1, removed.size(), user + ": " + removed);
            assertEquals("revoked in bulk by admin", removed.get(0).getDetails().get("reason"));
            assertEquals("app-password", removed.get(0).getDetails().get("credential_type"));
            assertTrue(removed.get(0).getDetails().get("app_password_name").startsWith("Never"));
            AppPasswordAssertions.assertNoSecret(String.valueOf(removed.get(0).getDetails()), secret);
        }
        // one admin event for the call that revoked, naming the filter and the count
        List<AdminEventRepresentation> calls = Users.realm().getAdminEvents(List.of("DELETE"), null, null, null, null,
                "app-passwords", null, null, 0, 1000).stream()
                .filter(e -> e.getRepresentation() != null && e.getRepresentation().contains(p)).toList();
        assertEquals(2, calls.size(), "the revoking call and the empty one: " + calls);
        JsonNode rep = Json.read(calls.stream().filter(e -> e.getRepresentation().contains("\"revoked\":3"))
                .findFirst().orElseThrow().getRepresentation());
        assertEquals(p, rep.path("filter").path("search").asText());
        assertTrue(rep.path("filter").path("neverUsed").asBoolean());
        AppPasswordAssertions.assertNoSecret(rep.toString(), secret);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static List<JsonNode> list(String query) {
        HttpReply reply = get(query, "application/json");
        assertEquals(200, reply.status(), reply.toString());
        List<JsonNode> rows = new ArrayList<>();
        reply.json().forEach(rows::add);
        return rows;
    }

    private static List<String> names(List<JsonNode> rows) {
        return rows.stream().map(r -> r.path("username").asText() + "/" + r.path("name").asText()).toList();
    }

    private static HttpReply get(String query, String accept) {
        return AppPasswordApi.send("GET", AppPasswordApi.adminUrl() + "?" + query, AppPasswordApi.masterAdminToken(),
                null, null, Map.of("Accept", accept));
    }

    private static HttpReply send(String method, String query, String bearer) {
        return AppPasswordApi.send(method, AppPasswordApi.adminUrl() + query, bearer, null, null);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** An admin of a realm of its own (all of realm-management there), who must get nothing in realm demo. */
    private static String otherRealmAdminToken() {
        String realmName = "inv-other-" + UUID.randomUUID().toString().substring(0, 6);
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(realmName);
        realm.setEnabled(true);
        var admin = KeycloakServer.get().admin();
        admin.realms().create(realm);
        var other = admin.realm(realmName);
        UserRepresentation user = new UserRepresentation();
        user.setUsername("admin");
        user.setEnabled(true);
        user.setEmail("admin@other.example");
        user.setFirstName("Other");
        user.setLastName("Admin");
        user.setEmailVerified(true);
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue(Users.PASSWORD);
        password.setTemporary(false);
        user.setCredentials(List.of(password));
        try (var response = other.users().create(user)) {
            assertEquals(201, response.getStatus());
        }
        String userId = other.users().searchByUsername("admin", true).get(0).getId();
        var rm = other.clients().findByClientId("realm-management").get(0);
        RoleRepresentation realmAdmin = other.clients().get(rm.getId()).roles().get("realm-admin").toRepresentation();
        other.users().get(userId).roles().clientLevel(rm.getId()).add(List.of(realmAdmin));
        HttpReply r = new TokenClient(KeycloakServer.get().baseUrl(), realmName).passwordGrant("admin-cli", null, "admin", Users.PASSWORD);
        assertTrue(r.ok(), r.toString());
        return r.accessToken();
    }

    /** RFC 4180, as a spreadsheet reads it. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        assertTrue(row.isEmpty() && cell.length() == 0, "ends with a line break: " + text);
        return rows;
    }
}
