package io.apppasswords.keycloak.bench;

import io.apppasswords.keycloak.it.DemoRealm;
import io.apppasswords.keycloak.it.KeycloakNode;
import io.apppasswords.keycloak.it.KeycloakServer;
import io.apppasswords.keycloak.it.Postgres;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The inventory benchmark behind {@code bench/inventory.sh}: PostgreSQL and one production-mode Keycloak
 * with the extension (the harness of {@code PostgresClusterIT}), {@code bench.users} users with
 * {@code bench.perUser} app passwords each seeded in SQL, then first pages with each filter, searches that
 * match few, many and no rows, deep pages by {@code first} and by the {@code after} cursor, and the CSV of
 * everything timed over HTTP, and the query plans of the same queries from
 * PostgreSQL's {@code EXPLAIN ANALYZE}. Prints a Markdown report (also written to {@code bench.out}).
 *
 * <p>System properties: {@code bench.users} (100000), {@code bench.perUser} (5), {@code bench.rounds} (5),
 * {@code bench.out} (target/bench/inventory.md), and the harness's {@code keycloak.home} and
 * {@code app-passwords.jar} (set by the script).
 */
public final class InventoryBenchmark {

    private static final long DAY = 86_400_000L;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private InventoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int users = Integer.getInteger("bench.users", 100_000);
        int perUser = Integer.getInteger("bench.perUser", 5);
        int rounds = Integer.getInteger("bench.rounds", 5);
        Path out = Path.of(System.getProperty("bench.out", "target/bench/inventory.md"));
        Path work = Files.createDirectories(Path.of("target/bench/inventory").toAbsolutePath());
        StringBuilder report = new StringBuilder();

        try (Postgres db = Postgres.start(work.resolve("postgres.log"))) {
            Path template = KeycloakNode.template(Path.of(System.getProperty("keycloak.home")).toAbsolutePath(),
                    Path.of(System.getProperty("app-passwords.jar")).toAbsolutePath(), work.resolve("template"), work.resolve("build.log"));
            try (KeycloakNode kc = new KeycloakNode("bench", template, work, db, true)) {
                kc.start();
                long now = System.currentTimeMillis();
                long seedStart = System.nanoTime();
                seed(db, users, perUser, now);
                double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
                String counts = db.sql("select count(*) from credential where type = 'app-password'") + " app passwords, "
                        + db.sql("select count(*) from user_entity") + " users, "
                        + db.sql("select count(*) from credential") + " credential rows";

                String url = kc.baseUrl() + "/admin/realms/" + DemoRealm.NAME + "/app-passwords";
                report.append("## Inventory at scale (").append(counts).append(", seeded in ")
                        .append(String.format(Locale.ROOT, "%.0f", seedSeconds)).append(" s)\n\n")
                        .append("| request | rows | bytes | median ms | max ms |\n|---|---:|---:|---:|---:|\n");
                int total = users * perUser;
                String deep = cursor(kc, url + "?first=" + (total - 200));
                String deepSearch = cursor(kc, url + "?search=App%203&first=" + (users - 200));
                String tenUsers = tenUsers(users);
                for (String[] request : List.of(
                        new String[]{"first page (100)", "", "application/json"},
                        new String[]{"first page, max=1000", "?max=1000", "application/json"},
                        new String[]{"unusedDays=365, first page", "?unusedDays=365", "application/json"},
                        new String[]{"expiringDays=14, first page", "?expiringDays=14", "application/json"},
                        new String[]{"search=user-" + tenUsers + " (10 users), first page", "?search=user-" + tenUsers, "application/json"},
                        new String[]{"search=App 3 (every user's 3rd), first page", "?search=App%203", "application/json"},
                        new String[]{"search=example.com (every e-mail), first page", "?search=example.com", "application/json"},
                        new String[]{"search=nobody (no match)", "?search=nobody", "application/json"},
                        new String[]{"deep page: first=" + (total - 100), "?first=" + (total - 100), "application/json"},
                        new String[]{"deep page: after=(cursor of row " + (total - 100) + ")", "?after=" + deep, "application/json"},
                        new String[]{"search=App 3, deep page: after=(cursor of match " + (users - 100) + ")",
                                "?search=App%203&after=" + deepSearch, "application/json"},
                        new String[]{"CSV of everything", "", "text/csv"})) {
                    report.append(time(kc, url + request[1], request[2], request[0], rounds)).append('\n');
                }
                report.append('\n');
                String realmId = db.sql("select id from realm where name = '" + DemoRealm.NAME + "'");
                report.append(plans(db, realmId, now, users));
            }
        }
        System.out.println(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.toString());
    }

    /**
     * Users {@code bench-user-000001…} with a password row each, and {@code perUser} app passwords each: 20 %
     * never used, 20 % last used 400–700 days ago, the rest within 30 days; 20 % expiring between 10 days ago
     * and 50 days ahead. The JSON is what Jackson writes for the extension's credential data.
     */
    static void seed(Postgres db, int users, int perUser, long now) {
        String realm = "(select id from realm where name = '" + DemoRealm.NAME + "')";
        int batch = 20_000;
        for (int from = 1; from <= users; from += batch) {
            int to = Math.min(users, from + batch - 1);
            db.sql("insert into user_entity (id, username, email, email_constraint, email_verified, enabled, realm_id,"
                    + " created_timestamp, not_before) select 'bench-u-' || lpad(g::text, 6, '0'),"
                    + " 'bench-user-' || lpad(g::text, 6, '0'), 'bench-user-' || lpad(g::text, 6, '0') || '@example.com',"
                    + " 'bench-user-' || lpad(g::text, 6, '0') || '@example.com', true, true, " + realm + ", " + now
                    + ", 0 from generate_series(" + from + ", " + to + ") g");
            db.sql("insert into credential (id, type, user_label, created_date, user_id, secret_data, credential_data,"
                    + " priority, version) select 'bench-p-' || lpad(g::text, 6, '0'), 'password', null, " + now + ","
                    + " 'bench-u-' || lpad(g::text, 6, '0'), '{\"value\":\"x\",\"salt\":\"x\"}',"
                    + " '{\"hashIterations\":5,\"algorithm\":\"argon2\"}', 10, 0 from generate_series(" + from + ", " + to + ") g");
            for (int k = 1; k <= perUser; k++) {
                // r: a deterministic 0..9 per app password that picks its kind
                String r = "((g * 7 + " + k * 13 + ") % 10)";
                String used = "case when " + r + " < 2 then null when " + r + " < 4 then " + now + " - (400 + g % 300) * " + DAY
                        + "::bigint else " + now + " - (g % 30) * " + DAY + "::bigint end";
                String expires = "case when " + r + " in (4, 5) then " + now + " + ((g % 60) - 10) * " + DAY + "::bigint end";
                db.sql("insert into credential (id, type, user_label, created_date, user_id, secret_data, credential_data,"
                        + " priority, version) select 'bench-c-' || lpad(g::text, 6, '0') || '-" + k + "', 'app-password',"
                        + " 'App " + k + "', " + now + " - (500 + g % 400) * " + DAY + "::bigint, 'bench-u-' || lpad(g::text, 6, '0'),"
                        + " '{\"digest\":\"' || md5(g::text || '-" + k + "') || '\"}',"
                        + " '{\"algorithm\":\"SHA-256\"' || coalesce(',\"expiresAt\":' || (" + expires + "), '')"
                        + " || coalesce(',\"lastUsedAt\":' || (" + used + ") || ',\"lastUsedIp\":\"192.0.2.1\",\"lastUsedClient\":\"mail-server\"', '')"
                        + " || '}', 20, 0 from generate_series(" + from + ", " + to + ") g");
            }
        }
        db.sql("analyze user_entity");
        db.sql("analyze credential");
    }

    /** The name prefix of the last ten seeded users (09999 of 100,000: bench-user-099990 to -099999). */
    private static String tenUsers(int users) {
        return String.format(Locale.ROOT, "%06d", users - 1).substring(0, 5);
    }

    /** The {@code after} cursor of the {@code Link: <...>; rel="next"} header of the page at {@code url}. */
    private static String cursor(KeycloakNode kc, String url) throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + kc.admin().tokenManager().getAccessTokenString())
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        String link = page.headers().firstValue("Link").orElseThrow(() -> new IllegalStateException("no next page: " + url));
        String after = link.substring(link.indexOf("after=") + "after=".length());
        return after.substring(0, after.indexOf(after.contains("&") ? '&' : '>'));
    }

    /** One warm-up request, then {@code rounds} timed ones; the body is read (and, for CSV, counted) as it streams. */
    private static String time(KeycloakNode kc, String url, String accept, String label, int rounds) throws Exception {
        List<Double> millis = new ArrayList<>();
        long rows = 0;
        long bytes = 0;
        for (int i = 0; i <= rounds; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                    .header("Authorization", "Bearer " + kc.admin().tokenManager().getAccessTokenString())
                    .header("Accept", accept).GET().build();
            long start = System.nanoTime();
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            long lines = 0;
            long size = 0;
            try (InputStream in = response.body()) {
                byte[] buffer = new byte[65536];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    size += n;
                    for (int j = 0; j < n; j++) {
                        if (buffer[j] == '\n') {
                            lines++;
                        }
                    }
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(label + ": HTTP " + response.statusCode());
            }
            if (i > 0) {
                millis.add(elapsed);
            }
            bytes = size;
            rows = accept.equals("text/csv") ? lines - 1 : -1;
        }
        Collections.sort(millis);
        return String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f |", label, rows < 0 ? "page" : String.valueOf(rows),
                bytes, millis.get(millis.size() / 2), millis.get(millis.size() - 1));
    }

    /**
     * The SQL Hibernate sends for the inventory's JPQL on PostgreSQL ({@code locate} becomes {@code position},
     * {@code substring} stays), under {@code EXPLAIN (ANALYZE, BUFFERS)}.
     */
    private static String plans(Postgres db, String realmId, long now, int users) {
        String tenUsers = tenUsers(users);
        String nearEnd = String.format(Locale.ROOT, "bench-user-%06d", users - 20);
        String middle = String.format(Locale.ROOT, "bench-user-%06d", users / 2);
        String base = "select c.id, u.id, u.username, c.user_label, c.created_date, c.credential_data"
                + " from credential c join user_entity u on u.id = c.user_id"
                + " where u.realm_id = '" + realmId + "' and c.type = 'app-password'";
        String order = " order by u.username, c.user_label, c.id";
        String lastUsed = "position('\"lastUsedAt\":' in c.credential_data)";
        String cutoff = String.format(Locale.ROOT, "%013d", now - 365 * DAY);
        String unused = " and ((" + lastUsed + " = 0 and c.created_date < " + (now - 365 * DAY) + ") or (" + lastUsed
                + " > 0 and substring(c.credential_data, " + lastUsed + " + 13, 13) < '" + cutoff + "'))";
        StringBuilder s = new StringBuilder("### Query plans (PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)`)\n\n");
        for (String[] q : List.of(
                new String[]{"first page", base + order + " offset 0 rows fetch first 100 rows only"},
                new String[]{"unusedDays=365, first page", base + unused + order + " offset 0 rows fetch first 100 rows only"},
                new String[]{"search, first look-up: users whose name or e-mail matches (stops at 500)",
                        "select u.id from user_entity u where u.realm_id = '" + realmId + "' and (lower(u.username) like"
                                + " '%user-" + tenUsers + "%' escape '!' or lower(u.email) like '%user-" + tenUsers + "%' escape '!') fetch first 500 rows only"},
                new String[]{"search, second look-up: app passwords whose name matches (stops at 500)",
                        "select c.id from credential c where c.type = 'app-password' and lower(c.user_label) like"
                                + " '%user-" + tenUsers + "%' escape '!' fetch first 500 rows only"},
                new String[]{"search, the page by those ids (here: 10 users' 50 app passwords)", base + " and (1 = 0 or c.user_id in ("
                        + db.sql("select string_agg(quote_literal(id), ',') from user_entity where username like 'bench-user-" + tenUsers + "%'")
                        + "))" + order + " fetch first 101 rows only"},
                new String[]{"search that matches many (500 users or more), first page: the walk", base + " and case when"
                        + " lower(u.username) like '%example.com%' escape '!' or lower(u.email) like '%example.com%' escape '!'"
                        + " or lower(c.user_label) like '%example.com%' escape '!' then 1 else 0 end > 0" + order
                        + " offset 0 rows fetch first 101 rows only"},
                new String[]{"deep keyset page (after=) near the end", base
                        + " and u.username >= '" + nearEnd + "' and (u.username > '" + nearEnd + "' or c.user_label > 'App 5'"
                        + " or (c.user_label = 'App 5' and c.id > 'z'))" + order + " fetch first 101 rows only"},
                new String[]{"CSV: one keyset page of 1000 in the middle", base
                        + " and u.username >= '" + middle + "' and (u.username > '" + middle + "' or c.user_label > 'App 5'"
                        + " or (c.user_label = 'App 5' and c.id > 'z'))" + order + " fetch first 1000 rows only"})) {
            s.append("**").append(q[0]).append("**\n\n```\n")
                    .append(db.sql("explain (analyze, buffers) " + q[1])).append("\n```\n\n");
        }
        return s.toString();
    }
}
