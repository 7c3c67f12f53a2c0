package io.apppasswords.keycloak.bench;

import io.apppasswords.keycloak.it.AppPasswordApi;
import io.apppasswords.keycloak.it.DemoRealm;
import io.apppasswords.keycloak.it.Json;
import io.apppasswords.keycloak.it.KeycloakServer;
import io.apppasswords.keycloak.it.Policy;
import io.apppasswords.keycloak.it.HttpReply;
import io.apppasswords.keycloak.it.TokenClient;
import io.apppasswords.keycloak.it.Users;
import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The login benchmark behind {@code bench/run.sh}: one Keycloak with the extension, the grants side by
 * side under {@code wrk}, then the session and database-write counts, printed as a table with the
 * issue's targets. Not a test: it measures and reports, and exits non-zero only if a scenario could not
 * run correctly (a login that should succeed did not).
 *
 * <p>System properties: {@code bench.duration} (s per measurement, 15), {@code bench.warmup} (s, 5),
 * {@code bench.rounds} (5), {@code bench.connections} (4, one wrk thread each),
 * {@code bench.sessionLogins} (10000), {@code bench.fillerUsers} (1000), {@code bench.out} (report file),
 * {@code bench.sql} (true: the second, SQL-logging server for the write counts).
 */
public final class LoginBenchmark {

    static final String REALM = DemoRealm.NAME;
    static final String SERVICE_CLIENT = "bench-service";
    static final String SERVICE_SECRET = "bench-service-secret";
    static final String PASSWORD_CLIENT = "bench-password";
    static final String PASSWORD_SECRET = "bench-password-secret";
    static final String MAIL_CLIENT = DemoRealm.MAIL;
    static final String MAIL_SECRET = DemoRealm.MAIL_SECRET;
    static final String PERSISTENT_CLIENT = "bench-mail-persistent";
    static final String PERSISTENT_SECRET = "bench-mail-persistent-secret";
    static final String SHORT_INTERVAL_CLIENT = "bench-mail-short-interval";
    static final String SHORT_INTERVAL_SECRET = "bench-mail-short-interval-secret";
    static final String USER_PASSWORD = "bench-main-password-1";
    static final String APP_PASSWORDS_FLOW = DemoRealm.APP_PASSWORDS_ONLY;
    static final int SHORT_INTERVAL_SECONDS = 2;

    private static final int DURATION = Integer.getInteger("bench.duration", 15);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 5);
    /** As many as scenarios: each one runs once in every position of a round. */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 4);
    /** One wrk thread per connection: the Lua script keeps each user on one connection (see token.lua). */
    private static final int THREADS = CONNECTIONS;
    private static final int SESSION_LOGINS = Integer.getInteger("bench.sessionLogins", 10_000);
    private static final int FILLER_USERS = Integer.getInteger("bench.fillerUsers", 1000);
    /** Users per throughput scenario: two per connection, so no user has two logins in flight. */
    private static final int USERS_PER_SCENARIO = 2 * CONNECTIONS;

    private final Path work;
    private final Path lua;
    private final StringBuilder report = new StringBuilder();

    private LoginBenchmark(Path work, Path lua) {
        this.work = work;
        this.lua = lua;
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(System.getProperty("bench.work", "target/bench")));
        Path lua = Path.of(System.getProperty("bench.lua", "bench/token.lua")).toAbsolutePath();
        LoginBenchmark bench = new LoginBenchmark(work, lua);
        int status = bench.run();
        Path out = Path.of(System.getProperty("bench.out", work.resolve("results.md").toString()));
        Files.writeString(out, bench.report.toString());
        System.out.println("\nReport written to " + out.toAbsolutePath());
        System.exit(status);
    }

    // ------------------------------------------------------------------------------------------ phases

    private int run() throws Exception {
        print("Starting Keycloak with the extension (H2, start-dev, loopback) ...");
        KeycloakServer kc = KeycloakServer.get();
        Seeded seeded = seed(kc, true);

        Map<String, List<Wrk.Measurement>> rounds = new LinkedHashMap<>();
        Map<String, Path> scenarios = new LinkedHashMap<>();
        scenarios.put("client_credentials grant", bodies("cc", List.of(form("grant_type", "client_credentials",
                "client_id", SERVICE_CLIENT, "client_secret", SERVICE_SECRET))));
        scenarios.put("password grant (stock flow, Argon2)", bodies("password", seeded.passwordForms));
        scenarios.put("app-password grant, 1 per user", bodies("ap1", seeded.appPasswordForms.get(1)));
        scenarios.put("app-password grant, 20 per user", bodies("ap20", seeded.appPasswordForms.get(20)));
        scenarios.put("app-password grant, 100 per user", bodies("ap100", seeded.appPasswordForms.get(100)));
        String url = "http://127.0.0.1:" + kc.httpPort() + "/realms/" + REALM + "/protocol/openid-connect/token";
        List<Map.Entry<String, Path>> order = new ArrayList<>(scenarios.entrySet());
        for (int round = 1; round <= ROUNDS; round++) {
            // Each round starts one scenario later: the server keeps warming up over the rounds, and no
            // scenario should always run last (warmest) or always follow the Argon2 one.
            for (int i = 0; i < order.size(); i++) {
                Map.Entry<String, Path> s = order.get((i + round - 1) % order.size());
                wrk(url, s.getValue(), WARMUP);
                settle();
                Wrk.Measurement m = wrk(url, s.getValue(), DURATION);
                settle();
                print(String.format(Locale.ROOT, "  round %d  %-38s %8.1f logins/s  (p50 %.1f ms, p99 %.1f ms, non-2xx %d)",
                        round, s.getKey(), m.perSecond(), m.p50Ms(), m.p99Ms(), m.non2xx()));
                rounds.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(m);
            }
        }

        print("Persistent user sessions after " + SESSION_LOGINS + " app-password logins ...");
        RealmResource realm = kc.admin().realm(REALM);
        long transientBefore = sessionCount(realm, MAIL_CLIENT);
        int transientOk = logins(kc, MAIL_CLIENT, MAIL_SECRET, seeded.sessionUser, seeded.sessionSecret, SESSION_LOGINS);
        long transientAfter = sessionCount(realm, MAIL_CLIENT);
        long persistentBefore = sessionCount(realm, PERSISTENT_CLIENT);
        int persistentOk = logins(kc, PERSISTENT_CLIENT, PERSISTENT_SECRET, seeded.sessionUser, seeded.sessionSecret,
                SESSION_LOGINS);
        long persistentAfter = sessionCount(realm, PERSISTENT_CLIENT);
        List<String> facts = new ArrayList<>();
        facts.add(tokenFacts(kc, MAIL_CLIENT, MAIL_SECRET, seeded.sessionUser, seeded.sessionSecret));
        facts.add(tokenFacts(kc, PERSISTENT_CLIENT, PERSISTENT_SECRET, seeded.sessionUser, seeded.sessionSecret));
        kc.stop();

        Writes writes = Boolean.parseBoolean(System.getProperty("bench.sql", "true")) ? sqlPhase() : null;

        return report(rounds, transientOk, transientAfter - transientBefore, persistentOk,
                persistentAfter - persistentBefore, facts, writes);
    }

    /** Second server start with Hibernate's SQL log on: statements per login, counted by kind and table. */
    private Writes sqlPhase() throws Exception {
        print("Restarting Keycloak with SQL logging for the write counts ...");
        KeycloakServer kc = KeycloakServer.startNew(Map.of("--log-level", "INFO,org.hibernate.SQL:debug"));
        try {
            seed(kc, false);
            TokenClient tokens = new TokenClient(kc.baseUrl(), REALM);
            // A new app password, never used: its first login records the last use.
            String user = user(kc.admin().realm(REALM), "sql-user");
            String secret = appPasswords(kc, user, 1).get(0);
            int n = 200;

            SqlLog log = new SqlLog(kc.logFile());
            mustLogIn(tokens, MAIL_CLIENT, MAIL_SECRET, user, secret);
            Map<String, Integer> first = log.since();
            String lastUseBefore = lastUsedAt(kc, user);
            for (int i = 0; i < n; i++) {
                mustLogIn(tokens, MAIL_CLIENT, MAIL_SECRET, user, secret);
            }
            Map<String, Integer> warm = log.since();
            String lastUseAfter = lastUsedAt(kc, user);
            for (int i = 0; i < n; i++) {
                mustLogIn(tokens, PERSISTENT_CLIENT, PERSISTENT_SECRET, user, secret);
            }
            Map<String, Integer> persistent = log.since();

            // Last use with a 2 s interval: logins for ~7 s write the credential about once per interval.
            mustLogIn(tokens, SHORT_INTERVAL_CLIENT, SHORT_INTERVAL_SECRET, user, secret);
            log.since();
            long start = System.nanoTime();
            int shortLogins = 0;
            while (System.nanoTime() - start < 7_000_000_000L) {
                mustLogIn(tokens, SHORT_INTERVAL_CLIENT, SHORT_INTERVAL_SECRET, user, secret);
                shortLogins++;
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Integer> shortInterval = log.since();
            return new Writes(n, first, warm, persistent, lastUseBefore, lastUseAfter, shortLogins, seconds,
                    shortInterval);
        } finally {
            kc.stop();
        }
    }

    // ------------------------------------------------------------------------------------------ seeding

    /** What the scenarios log in with. */
    private record Seeded(List<String> passwordForms, Map<Integer, List<String>> appPasswordForms,
                          String sessionUser, String sessionSecret) {
    }

    /**
     * Realm setup (brute-force protection on, as in production; the clients and flows of the scenarios)
     * and the users: for the throughput run every scenario, for the SQL run only the session user.
     */
    private Seeded seed(KeycloakServer kc, boolean full) throws IOException {
        Keycloak admin = kc.admin();
        RealmResource realm = admin.realm(REALM);
        RealmRepresentation rep = realm.toRepresentation();
        rep.setBruteForceProtected(true);
        realm.update(rep);
        allowAppPasswordsPerUser(kc, 100);

        createClient(realm, confidential(SERVICE_CLIENT, SERVICE_SECRET, c -> c.setServiceAccountsEnabled(true)));
        createClient(realm, confidential(PASSWORD_CLIENT, PASSWORD_SECRET, c -> c.setDirectAccessGrantsEnabled(true)));
        mailClientWithFlow(realm, PERSISTENT_CLIENT, PERSISTENT_SECRET, "app passwords only - persistent sessions",
                Map.of("transientSession", "false"));
        mailClientWithFlow(realm, SHORT_INTERVAL_CLIENT, SHORT_INTERVAL_SECRET, "app passwords only - 2 s last use",
                Map.of("lastUseIntervalSeconds", String.valueOf(SHORT_INTERVAL_SECONDS)));

        TokenClient tokens = new TokenClient(kc.baseUrl(), REALM);
        String sessionUser = user(realm, "session-user");
        String sessionSecret = appPasswords(kc, sessionUser, 1).get(0);
        mustLogIn(tokens, MAIL_CLIENT, MAIL_SECRET, sessionUser, sessionSecret);
        mustLogIn(tokens, PERSISTENT_CLIENT, PERSISTENT_SECRET, sessionUser, sessionSecret);
        if (!full) {
            return new Seeded(List.of(), Map.of(), sessionUser, sessionSecret);
        }

        print("Seeding " + FILLER_USERS + " filler users and " + USERS_PER_SCENARIO + " users per scenario ...");
        for (int i = 0; i < FILLER_USERS; i++) {
            UserRepresentation u = new UserRepresentation();
            u.setUsername(String.format(Locale.ROOT, "filler-%05d", i));
            u.setEmail(u.getUsername() + "@example.com");
            u.setEnabled(true);
            try (Response r = realm.users().create(u)) {
                expect(201, r, "create " + u.getUsername());
            }
        }
        List<String> passwordForms = new ArrayList<>();
        for (int i = 0; i < USERS_PER_SCENARIO; i++) {
            String username = user(realm, "pw-" + i);
            passwordForms.add(form("grant_type", "password", "client_id", PASSWORD_CLIENT,
                    "client_secret", PASSWORD_SECRET, "username", username, "password", USER_PASSWORD));
        }
        mustLogIn(tokens, PASSWORD_CLIENT, PASSWORD_SECRET, "pw-0", USER_PASSWORD);
        print("  password hashing of pw-0: " + passwordAlgorithm(realm, "pw-0"));

        Map<Integer, List<String>> appPasswordForms = new TreeMap<>();
        for (int count : new int[]{1, 20, 100}) {
            List<String> forms = new ArrayList<>();
            for (int i = 0; i < USERS_PER_SCENARIO; i++) {
                String username = user(realm, "ap" + count + "-" + i);
                List<String> secrets = appPasswords(kc, username, count);
                // The newest one: every stored digest is compared anyway, wherever the match sits.
                String secret = secrets.get(secrets.size() - 1);
                mustLogIn(tokens, MAIL_CLIENT, MAIL_SECRET, username, secret);
                forms.add(form("grant_type", "password", "client_id", MAIL_CLIENT, "client_secret", MAIL_SECRET,
                        "username", username, "password", secret));
            }
            appPasswordForms.put(count, forms);
        }
        return new Seeded(passwordForms, appPasswordForms, sessionUser, sessionSecret);
    }

    static String user(RealmResource realm, String username) {
        try (Response r = realm.users().create(Users.representation(username, USER_PASSWORD))) {
            expect(201, r, "create " + username);
        }
        return username;
    }

    /** Creates {@code count} app passwords through the self-service API, as the user would. */
    static List<String> appPasswords(KeycloakServer kc, String username, int count) throws IOException {
        HttpReply login = new TokenClient(kc.baseUrl(), REALM)
                .passwordGrant(DemoRealm.CLI, null, username, USER_PASSWORD);
        if (!login.ok()) {
            throw new IllegalStateException("account token for " + username + ": " + login);
        }
        List<String> secrets = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            HttpReply r = AppPasswordApi.send("POST", kc.realmUrl() + "/app-passwords", login.accessToken(),
                    "application/json", Json.write(Map.of("name", "Mail " + i)));
            if (r.status() != 201) {
                throw new IllegalStateException("create app password for " + username + ": " + r);
            }
            secrets.add(r.json().path("password").asText());
        }
        return secrets;
    }

    private static ClientRepresentation confidential(String clientId, String secret,
                                                     java.util.function.Consumer<ClientRepresentation> more) {
        ClientRepresentation c = new ClientRepresentation();
        c.setClientId(clientId);
        c.setProtocol("openid-connect");
        c.setPublicClient(false);
        c.setSecret(secret);
        c.setStandardFlowEnabled(false);
        c.setDirectAccessGrantsEnabled(false);
        c.setEnabled(true);
        more.accept(c);
        return c;
    }

    /**
     * A copy of the demo's mail-server client bound to a copy of the "app passwords only" flow whose
     * app-password step has the given configuration.
     */
    private static void mailClientWithFlow(RealmResource realm, String clientId, String secret, String flowAlias,
                                           Map<String, String> config) {
        try (Response r = realm.flows().copy(APP_PASSWORDS_FLOW, Map.of("newName", flowAlias))) {
            expect(201, r, "copy flow");
        }
        AuthenticationExecutionInfoRepresentation step = realm.flows().getExecutions(flowAlias).stream()
                .filter(e -> "direct-grant-validate-app-password".equals(e.getProviderId()))
                .findFirst().orElseThrow();
        AuthenticatorConfigRepresentation cfg = new AuthenticatorConfigRepresentation();
        cfg.setAlias(flowAlias.replaceAll("[^A-Za-z0-9]+", "-"));
        cfg.setConfig(config);
        try (Response r = realm.flows().newExecutionConfig(step.getId(), cfg)) {
            expect(201, r, "configure " + flowAlias);
        }
        String flowId = realm.flows().getFlows().stream().filter(f -> flowAlias.equals(f.getAlias()))
                .findFirst().orElseThrow().getId();
        ClientRepresentation c = realm.clients().findByClientId(MAIL_CLIENT).get(0);
        c.setId(null);
        c.setClientId(clientId);
        c.setSecret(secret);
        c.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", flowId));
        if (c.getProtocolMappers() != null) {
            c.getProtocolMappers().forEach(m -> m.setId(null));
        }
        createClient(realm, c);
    }

    private static void createClient(RealmResource realm, ClientRepresentation c) {
        try (Response r = realm.clients().create(c)) {
            expect(201, r, "create client " + c.getClientId());
        }
    }

    private static String passwordAlgorithm(RealmResource realm, String username) throws IOException {
        String id = realm.users().searchByUsername(username, true).get(0).getId();
        for (CredentialRepresentation c : realm.users().get(id).credentials()) {
            if (CredentialRepresentation.PASSWORD.equals(c.getType())) {
                return Json.read(c.getCredentialData()).path("algorithm").asText();
            }
        }
        return "?";
    }

    /** The raw lastUsedAt of the user's (only) app password, as the admin API returns the credential. */
    private static String lastUsedAt(KeycloakServer kc, String username) throws IOException {
        RealmResource realm = kc.admin().realm(REALM);
        String id = realm.users().searchByUsername(username, true).get(0).getId();
        for (CredentialRepresentation c : realm.users().get(id).credentials()) {
            if ("app-password".equals(c.getType())) {
                return Json.read(c.getCredentialData()).path("lastUsedAt").asText();
            }
        }
        return "?";
    }

    private static void expect(int status, Response r, String what) {
        if (r.getStatus() != status) {
            throw new IllegalStateException(what + ": HTTP " + r.getStatus() + " " + r.readEntity(String.class));
        }
    }

    // ------------------------------------------------------------------------------------------ measuring

    private Path bodies(String name, List<String> forms) throws IOException {
        Path file = work.resolve(name + ".bodies");
        Files.write(file, forms);
        return file;
    }

    private Wrk.Measurement wrk(String url, Path bodies, int seconds) throws IOException, InterruptedException {
        return wrk(lua, url, bodies, seconds, CONNECTIONS, List.of());
    }

    /** One wrk run of token.lua over {@code bodies}, one thread per connection, with these extra headers. */
    static Wrk.Measurement wrk(Path lua, String url, Path bodies, int seconds, int connections, List<String> headers) {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t" + connections, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s"));
        headers.forEach(h -> cmd.addAll(List.of("-H", h)));
        cmd.addAll(List.of("-s", lua.toString(), url, "--", bodies.toAbsolutePath().toString(),
                String.valueOf(connections)));
        return Wrk.run(cmd, seconds);
    }

    /**
     * wrk stops with requests still in flight, and the server finishes them. The next run's first login of
     * the same user would then overlap with it, and Keycloak's stock username step refuses such a login
     * (user_temporarily_disabled); an Argon2 login can take a second or more on a loaded machine.
     */
    static void settle() throws InterruptedException {
        Thread.sleep(3000);
    }

    /** {@code count} logins from {@link #CONNECTIONS} threads; returns how many got a token. */
    private static int logins(KeycloakServer kc, String clientId, String secret, String username, String password,
                              int count) throws Exception {
        TokenClient tokens = new TokenClient(kc.baseUrl(), REALM);
        AtomicInteger left = new AtomicInteger(count);
        AtomicInteger ok = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < CONNECTIONS; t++) {
                workers.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        if (tokens.passwordGrant(clientId, secret, username, password).ok()) {
                            ok.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdown();
        }
        return ok.get();
    }

    /** One table row: refresh token issued and usable, introspection's verdict, userinfo's status. */
    private static String tokenFacts(KeycloakServer kc, String clientId, String secret, String username,
                                     String password) throws IOException {
        TokenClient tokens = new TokenClient(kc.baseUrl(), REALM);
        // scope=openid: userinfo answers only tokens with that scope.
        HttpReply login = tokens.post(Map.of("grant_type", "password", "client_id", clientId,
                "client_secret", secret, "username", username, "password", password, "scope", "openid"));
        String refresh = login.refreshToken();
        String refreshed = "-";
        if (refresh != null) {
            HttpReply r = tokens.post(Map.of("grant_type", "refresh_token", "client_id", clientId,
                    "client_secret", secret, "refresh_token", refresh));
            refreshed = r.ok() ? "200, new tokens" : r.status() + " " + r.error();
        }
        HttpReply introspection = AppPasswordApi.send("POST", tokens.tokenEndpoint() + "/introspect", null,
                "application/x-www-form-urlencoded",
                form("client_id", clientId, "client_secret", secret, "token", login.accessToken()));
        HttpReply userinfo = AppPasswordApi.send("GET", kc.realmUrl() + "/protocol/openid-connect/userinfo",
                login.accessToken(), null, null);
        return "| " + clientId + " | " + (refresh == null ? "no" : "yes") + " | " + refreshed + " | active="
                + introspection.json().path("active").asText() + " | HTTP " + userinfo.status() + " |";
    }

    private static long sessionCount(RealmResource realm, String clientId) {
        String id = realm.clients().findByClientId(clientId).get(0).getId();
        return realm.clients().get(id).getApplicationSessionCount().get("count");
    }

    static void mustLogIn(TokenClient tokens, String clientId, String secret, String username,
                                  String password) {
        HttpReply r = tokens.passwordGrant(clientId, secret, username, password);
        if (!r.ok()) {
            throw new IllegalStateException("login of " + username + " through " + clientId + " failed: " + r);
        }
        if (clientId.startsWith("mail") || clientId.startsWith("bench-mail")) {
            if (!username.equals(r.field("app_password_username"))) {
                throw new IllegalStateException("no app_password_username in the grant response: " + r);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ SQL log

    /** Counts Hibernate's logged statements (kind + table) appended to the server log since the last call. */
    static final class SqlLog {
        private static final Pattern STATEMENT = Pattern.compile(
                "\\[org\\.hibernate\\.SQL\\].*?\\)\\s+(select|insert into|update|delete from|merge into)\\b(.*)",
                Pattern.CASE_INSENSITIVE);
        private static final Pattern TABLE = Pattern.compile("^\\s*(\\w+)");
        private static final Pattern FROM = Pattern.compile("(?i)\\bfrom\\s+(\\w+)");
        private final Path file;
        private long offset;

        SqlLog(Path file) throws IOException {
            this.file = file;
            this.offset = Files.size(file);
        }

        Map<String, Integer> since() throws IOException, InterruptedException {
            Thread.sleep(500); // let the console handler flush
            byte[] all = Files.readAllBytes(file);
            String text = new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
            offset = all.length;
            Map<String, Integer> counts = new TreeMap<>();
            for (String line : text.split("\n")) {
                Matcher m = STATEMENT.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String kind = m.group(1).toLowerCase(Locale.ROOT).split(" ")[0];
                Matcher table = "select".equals(kind) ? FROM.matcher(m.group(2)) : TABLE.matcher(m.group(2));
                String name = table.find() ? table.group(1).toUpperCase(Locale.ROOT) : "?";
                counts.merge(kind + " " + name, 1, Integer::sum);
            }
            return counts;
        }
    }

    record Writes(int logins, Map<String, Integer> first, Map<String, Integer> warm, Map<String, Integer> persistent,
                  String lastUseBefore, String lastUseAfter, int shortLogins, double shortSeconds,
                  Map<String, Integer> shortInterval) {
    }

    // ------------------------------------------------------------------------------------------ report

    private int report(Map<String, List<Wrk.Measurement>> rounds, int transientOk, long transientSessions,
                       int persistentOk, long persistentSessions, List<String> facts, Writes writes) {
        print("");
        print("## Throughput (wrk -t" + THREADS + " -c" + CONNECTIONS + ", " + DURATION + " s per measurement after "
                + WARMUP + " s warm-up, " + ROUNDS + " rounds; best round counts)");
        print("");
        StringBuilder head = new StringBuilder("| scenario |");
        StringBuilder sep = new StringBuilder("|---|");
        for (int r = 1; r <= ROUNDS; r++) {
            head.append(" round ").append(r).append(" logins/s |");
            sep.append("---:|");
        }
        head.append(" best logins/s | p50 ms | p99 ms | non-2xx |");
        sep.append("---:|---:|---:|---:|");
        print(head.toString());
        print(sep.toString());
        Map<String, Wrk.Measurement> best = new LinkedHashMap<>();
        boolean clean = true;
        for (Map.Entry<String, List<Wrk.Measurement>> e : rounds.entrySet()) {
            StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
            Wrk.Measurement top = null;
            long non2xx = 0;
            for (Wrk.Measurement m : e.getValue()) {
                row.append(String.format(Locale.ROOT, " %.1f |", m.perSecond()));
                if (top == null || m.perSecond() > top.perSecond()) {
                    top = m;
                }
                non2xx += m.non2xx() + m.socketErrors();
            }
            clean &= non2xx == 0;
            best.put(e.getKey(), top);
            row.append(String.format(Locale.ROOT, " **%.1f** | %.1f | %.1f | %d |", top.perSecond(), top.p50Ms(),
                    top.p99Ms(), non2xx));
            print(row.toString());
        }
        List<String> keys = new ArrayList<>(best.keySet());
        double cc = best.get(keys.get(0)).perSecond();
        double pw = best.get(keys.get(1)).perSecond();
        double ap1 = best.get(keys.get(2)).perSecond();
        double ap20 = best.get(keys.get(3)).perSecond();
        double ap100 = best.get(keys.get(4)).perSecond();

        print("");
        print("## Sessions after " + SESSION_LOGINS + " app-password logins (4 client threads)");
        print("");
        print("| authenticator config | logins with a token | user sessions of the client afterwards |");
        print("|---|---:|---:|");
        print("| transientSession=true (default, client " + MAIL_CLIENT + ") | " + transientOk + " | " + transientSessions + " |");
        print("| transientSession=false (client " + PERSISTENT_CLIENT + ") | " + persistentOk + " | " + persistentSessions + " |");

        print("");
        print("What the tokens of one app-password login can do afterwards:");
        print("");
        print("| client | refresh_token in response | refresh grant | introspection | userinfo |");
        print("|---|---|---|---|---|");
        facts.forEach(this::print);

        long credentialWrites = -1;
        if (writes != null) {
            print("");
            print("## SQL statements (second server start with org.hibernate.SQL:debug)");
            print("");
            print("| phase | statements |");
            print("|---|---|");
            print("| first app-password login of a new app password (last use recorded) | " + fmt(writes.first(), 1) + " |");
            print("| " + writes.logins() + " further logins, transient, warm cache (per login) | " + fmt(writes.warm(), writes.logins()) + " |");
            print("| " + writes.logins() + " logins, transientSession=false (per login) | " + fmt(writes.persistent(), writes.logins()) + " |");
            print("| " + writes.shortLogins() + " logins over " + String.format(Locale.ROOT, "%.1f", writes.shortSeconds())
                    + " s with lastUseIntervalSeconds=" + SHORT_INTERVAL_SECONDS + " (total) | " + fmt(writes.shortInterval(), 1) + " |");
            print("");
            print("lastUsedAt of the app password before / after the " + writes.logins() + " warm logins: "
                    + writes.lastUseBefore() + " / " + writes.lastUseAfter());
            credentialWrites = writes.warm().entrySet().stream()
                    .filter(e -> e.getKey().endsWith(" CREDENTIAL") && !e.getKey().startsWith("select"))
                    .mapToLong(Map.Entry::getValue).sum();
            if (!writes.lastUseBefore().equals(writes.lastUseAfter())) {
                credentialWrites = Math.max(credentialWrites, 1);
            }
        }

        print("");
        print("## Targets");
        print("");
        print("| target | measured | result |");
        print("|---|---:|---|");
        target("app-password grant (1 per user) >= 10x password grant (Argon2)", ap1 / pw, 10);
        target("app-password grant (1 per user) >= 0.7x client_credentials grant", ap1 / cc, 0.7);
        target("100 app passwords >= 0.9x 1 app password", ap100 / ap1, 0.9);
        print(String.format(Locale.ROOT, "| (for reference) 20 app passwords vs. 1 | %.2fx | |", ap20 / ap1));
        print("| 0 persistent sessions after " + SESSION_LOGINS + " transient app-password logins | "
                + transientSessions + " | " + (transientSessions == 0 && transientOk == SESSION_LOGINS ? "PASS" : "FAIL") + " |");
        if (credentialWrites >= 0) {
            print("| 0 credential writes per login on a warm cache | " + credentialWrites + " in " + writes.logins()
                    + " logins | " + (credentialWrites == 0 ? "PASS" : "FAIL") + " |");
        }
        if (!clean) {
            print("\nSome requests failed (non-2xx or socket errors): see the table; those rounds are not valid.");
        }
        return clean && transientOk == SESSION_LOGINS && persistentOk == SESSION_LOGINS ? 0 : 1;
    }

    private void target(String name, double ratio, double min) {
        boolean pass = ratio >= min;
        print(String.format(Locale.ROOT, "| %s | %.2fx | %s |", name, ratio, pass ? "PASS" : "FAIL"));
    }

    private static String fmt(Map<String, Integer> counts, int per) {
        if (counts.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(per == 1 ? v + " × " + k
                : String.format(Locale.ROOT, "%.2f × %s", v / (double) per, k)));
        return String.join(", ", parts);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void print(String line) {
        System.out.println(line);
        report.append(line).append('\n');
    }

    static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** The demo policy allows 40 app passwords per user; the 100-per-user scenario needs more. */
    private static void allowAppPasswordsPerUser(KeycloakServer kc, int max) {
        policy(kc, Map.of("maxPerUser", String.valueOf(max)));
    }

    /** Sets the realm's app-password policy to the demo's with {@code changes}. */
    static void policy(KeycloakServer kc, Map<String, String> changes) {
        Map<String, String> config = new LinkedHashMap<>(Policy.DEMO);
        config.putAll(changes);
        HttpReply r = AppPasswordApi.send("PUT", kc.baseUrl() + "/admin/realms/" + REALM
                        + "/authentication/required-actions/app-password/config",
                kc.admin().tokenManager().getAccessTokenString(), "application/json", Json.write(Map.of("config", config)));
        if (r.status() != 204) {
            throw new IllegalStateException("app-password policy: " + r);
        }
    }
}
