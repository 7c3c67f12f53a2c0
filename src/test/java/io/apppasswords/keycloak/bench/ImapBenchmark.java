package io.apppasswords.keycloak.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;

import io.apppasswords.keycloak.it.Dovecot;
import io.apppasswords.keycloak.it.Dovecot.Line;
import io.apppasswords.keycloak.it.KeycloakServer;
import io.apppasswords.keycloak.it.MailServers;
import io.apppasswords.keycloak.it.MailWire;
import io.apppasswords.keycloak.it.Users;

/**
 * IMAP LOGIN + LOGOUT per second through Dovecot against one Keycloak ({@code bench/imap.sh}): the shipped
 * Lua passdb, Dovecot 2.3's built-in oauth2 passdb and a local passwd-file passdb (the floor) side by side,
 * plus the Lua passdb with a mail client that carries Keycloak's default client scopes (the demo's
 * {@code mail-server} has only {@code basic}) and, where its root exists, the Lua passdb on Dovecot 2.4.
 * Every login must succeed: the run exits non-zero otherwise.
 *
 * <p>System properties: {@code bench.duration} (s per measurement, 15), {@code bench.warmup} (s, 5),
 * {@code bench.rounds} (2; each round starts one scenario later), {@code bench.clients} (4,16),
 * {@code bench.users} (32), {@code bench.out} (report file).
 */
public final class ImapBenchmark {

    private static final int DURATION = Integer.getInteger("bench.duration", 15);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 5);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    static final List<Integer> CLIENTS = List.of(System.getProperty("bench.clients", "4,16").split(","))
            .stream().map(String::trim).map(Integer::parseInt).toList();
    private static final int USERS = Integer.getInteger("bench.users", 32);
    private static final String MAIL_CLIENT = "mail-server";
    private static final String MAIL_SECRET = "mail-server-secret";
    private static final String DEFAULT_SCOPES_CLIENT = "bench-mail-default-scopes";

    record Scenario(String name, Dovecot dovecot) {
    }

    /** Logins per second of the best round, and the failed logins of all rounds. */
    record Result(double perSecond, long failed) {
    }

    public static void main(String[] args) throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        String tokenEndpoint = keycloak.tokenEndpoint();
        defaultScopesClient(Users.realm());

        List<String[]> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String name = Users.create("imap-bench");
            users.add(new String[] {name, Users.createAppPassword(name, "Bench mail app")});
        }

        List<Scenario> scenarios = new ArrayList<>();
        List<Dovecot> started = new ArrayList<>();
        try {
            scenarios.add(new Scenario("Lua passdb (shipped), Dovecot 2.3",
                    start(started, Dovecot.create(Line.V2_3, "bench-lua").keycloakPassdb(tokenEndpoint, MAIL_CLIENT, MAIL_SECRET))));
            scenarios.add(new Scenario("built-in oauth2 passdb, Dovecot 2.3", start(started, builtIn(tokenEndpoint))));
            scenarios.add(new Scenario("passwd-file passdb (no Keycloak), Dovecot 2.3", start(started, passwdFile(users))));
            scenarios.add(new Scenario("Lua passdb, client with Keycloak's default scopes", start(started,
                    Dovecot.create(Line.V2_3, "bench-default-scopes").keycloakPassdb(tokenEndpoint, DEFAULT_SCOPES_CLIENT, MAIL_SECRET))));
            if (Dovecot.available(Line.V2_4)) {
                scenarios.add(new Scenario("Lua passdb (shipped), Dovecot 2.4",
                        start(started, Dovecot.create(Line.V2_4, "bench-lua").keycloakPassdb(tokenEndpoint, MAIL_CLIENT, MAIL_SECRET))));
            }
            report(run(scenarios, users));
        } finally {
            started.forEach(Dovecot::close);
        }
        System.exit(0); // the shared Keycloak stops in its shutdown hook
    }

    private static Dovecot start(List<Dovecot> started, Dovecot dovecot) {
        started.add(dovecot);
        return dovecot.start();
    }

    /** Dovecot 2.3's own oauth2 passdb with the settings file docker/ and the README use. */
    private static Dovecot builtIn(String tokenEndpoint) {
        return Dovecot.create(Line.V2_3, "bench-builtin").builtInOauth2Passdb(tokenEndpoint, MAIL_CLIENT, MAIL_SECRET);
    }

    /** The floor: the same users and app passwords in a local file, no HTTP at all. */
    private static Dovecot passwdFile(List<String[]> users) {
        Dovecot dovecot = Dovecot.create(Line.V2_3, "bench-passwd-file");
        StringBuilder file = new StringBuilder();
        users.forEach(u -> file.append(u[0]).append(":{PLAIN}").append(u[1]).append('\n'));
        String path = dovecot.write("users", file.toString());
        return dovecot.authPart(authPart("driver = passwd-file\n  args = " + path, dovecot));
    }

    private static String authPart(String passdb, Dovecot dovecot) {
        return """
                auth_mechanisms = plain login
                auth_username_format = %%Lu
                auth_cache_size = 0
                passdb {
                  %s
                }
                userdb {
                  driver = static
                  args = uid=nobody gid=nogroup home=%s/mail/%%Ln allow_all_users=yes
                }
                """.formatted(passdb, dovecot.insidePath(dovecot.dir()));
    }

    /** mail-server as it was before it dropped to the "basic" scope: Keycloak's default client scopes. */
    private static void defaultScopesClient(RealmResource realm) {
        ClientResource mail = realm.clients().get(realm.clients().findByClientId(MAIL_CLIENT).get(0).getId());
        ClientRepresentation copy = mail.toRepresentation();
        copy.setId(null);
        copy.setClientId(DEFAULT_SCOPES_CLIENT);
        copy.setSecret(MAIL_SECRET);
        copy.setDefaultClientScopes(null); // the realm's defaults
        copy.setOptionalClientScopes(null);
        copy.getProtocolMappers().forEach(m -> m.setId(null));
        try (var response = realm.clients().create(copy)) {
            if (response.getStatus() != 201) {
                throw new IllegalStateException("creating " + DEFAULT_SCOPES_CLIENT + ": " + response.getStatus());
            }
        }
    }

    /**
     * Every scenario with each number of {@link #CLIENTS}, in rounds that each start one scenario later; per
     * scenario and number of clients the best round's logins/s and all rounds' failures. {@code users}: name and
     * app password each.
     */
    static Map<String, Map<Integer, Result>> run(List<Scenario> scenarios, List<String[]> users) throws Exception {
        Map<String, Map<Integer, Result>> results = new LinkedHashMap<>();
        for (int clients : CLIENTS) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < scenarios.size(); i++) {
                    Scenario s = scenarios.get((i + round) % scenarios.size());
                    measure(s.dovecot(), users, clients, WARMUP);
                    long[] counted = measure(s.dovecot(), users, clients, DURATION);
                    double perSecond = counted[0] / (double) DURATION;
                    System.out.printf(Locale.ROOT, "%-50s %2d clients, round %d: %7.1f logins/s, %d failed%n",
                            s.name(), clients, round + 1, perSecond, counted[1]);
                    results.computeIfAbsent(s.name(), k -> new LinkedHashMap<>()).merge(clients, new Result(perSecond, counted[1]),
                            (a, b) -> new Result(Math.max(a.perSecond(), b.perSecond()), a.failed() + b.failed()));
                }
            }
        }
        return results;
    }

    /** {@code clients} threads, each logging in and out over its own users until the time is up. */
    private static long[] measure(Dovecot dovecot, List<String[]> users, int clients, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = thread; System.nanoTime() < end; i += clients) {
                        String[] user = users.get(i % users.size());
                        String reply = MailWire.imapLogin(dovecot.imapPort(), null, user[0], user[1]);
                        (reply.startsWith("a OK") ? ok : failed).incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new long[] {ok.get(), failed.get()};
    }

    private static void report(Map<String, Map<Integer, Result>> results) throws IOException {
        StringBuilder out = new StringBuilder("| scenario |");
        CLIENTS.forEach(c -> out.append(" ").append(c).append(" clients, logins/s |"));
        out.append(" failed logins |\n|---|");
        CLIENTS.forEach(c -> out.append("---:|"));
        out.append("---:|\n");
        results.forEach((name, byClients) -> {
            out.append("| ").append(name).append(" |");
            CLIENTS.forEach(c -> out.append(String.format(Locale.ROOT, " %.1f |", byClients.get(c).perSecond())));
            out.append(" ").append(byClients.values().stream().mapToLong(Result::failed).sum()).append(" |\n");
        });
        List<String> names = new ArrayList<>(results.keySet());
        out.append("\n| ratio |");
        CLIENTS.forEach(c -> out.append(" ").append(c).append(" clients |"));
        out.append("\n|---|");
        CLIENTS.forEach(c -> out.append("---:|"));
        out.append('\n');
        ratio(out, results, "Lua / built-in oauth2 (target >= 0.9)", names.get(0), names.get(1));
        ratio(out, results, "Lua / passwd-file floor", names.get(0), names.get(2));
        ratio(out, results, "basic-scope client / default-scopes client", names.get(0), names.get(3));
        if (names.size() > 4) {
            ratio(out, results, "Lua on 2.4 / Lua on 2.3", names.get(4), names.get(0));
        }
        System.out.println();
        System.out.println(out);
        Path file = Path.of(System.getProperty("bench.out", "target/bench/imap-results.md"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
        long failed = results.values().stream().flatMap(m -> m.values().stream()).mapToLong(Result::failed).sum();
        if (failed > 0) {
            System.err.println(failed + " logins failed: the figures do not count");
            System.exit(1);
        }
    }

    private static void ratio(StringBuilder out, Map<String, Map<Integer, Result>> results, String label, String a, String b) {
        out.append("| ").append(label).append(" |");
        CLIENTS.forEach(c -> out.append(String.format(Locale.ROOT, " %.2f× |",
                results.get(a).get(c).perSecond() / results.get(b).get(c).perSecond())));
        out.append('\n');
    }
}
