package io.apppasswords.keycloak.bench;

import io.apppasswords.keycloak.it.DemoRealm;
import io.apppasswords.keycloak.it.KeycloakServer;
import io.apppasswords.keycloak.it.TokenClient;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.RealmRepresentation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the per-source throttle costs a successful login (issue 23), behind {@code bench/throttle.sh}: one
 * Keycloak, the same app-password grants from a forwarded address (as Dovecot sends them), measured with the
 * realm's throttle on (the default, 20 wrong values per address) and off ({@code mailFailuresPerIp=0}),
 * alternating within each round so that both see the same warm-up and machine load. Target: on >= 0.95x off.
 *
 * <p>System properties: {@code bench.duration} (s per measurement, 15), {@code bench.warmup} (s, 5),
 * {@code bench.rounds} (6), {@code bench.connections} (4), {@code bench.out} (report file).
 */
public final class ThrottleBenchmark {

    private static final int DURATION = Integer.getInteger("bench.duration", 15);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 5);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 6);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 4);
    private static final String ON = "throttle on (mailFailuresPerIp=20)";
    private static final String OFF = "throttle off (mailFailuresPerIp=0)";

    private ThrottleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(System.getProperty("bench.work", "target/bench")));
        Path lua = Path.of(System.getProperty("bench.lua", "bench/token.lua")).toAbsolutePath();
        StringBuilder report = new StringBuilder();
        System.out.println("Starting Keycloak with the extension (H2, start-dev, loopback) ...");
        KeycloakServer kc = KeycloakServer.get();
        RealmResource realm = kc.admin().realm(DemoRealm.NAME);
        RealmRepresentation rep = realm.toRepresentation();
        rep.setBruteForceProtected(true);
        realm.update(rep);

        TokenClient tokens = new TokenClient(kc.baseUrl(), DemoRealm.NAME);
        List<String> forms = new ArrayList<>();
        for (int i = 0; i < 2 * CONNECTIONS; i++) {
            String username = LoginBenchmark.user(realm, "throttle-" + i);
            String secret = LoginBenchmark.appPasswords(kc, username, 1).get(0);
            LoginBenchmark.mustLogIn(tokens, DemoRealm.MAIL, DemoRealm.MAIL_SECRET, username, secret);
            forms.add(LoginBenchmark.form("grant_type", "password", "client_id", DemoRealm.MAIL,
                    "client_secret", DemoRealm.MAIL_SECRET, "username", username, "password", secret));
        }
        Path bodies = work.resolve("throttle.bodies");
        Files.write(bodies, forms);
        String url = kc.baseUrl() + "/realms/" + DemoRealm.NAME + "/protocol/openid-connect/token";
        // One mail app's address for every login: the throttle's lookups hit the same entries, as an office's do.
        List<String> headers = List.of("X-Dovecot-Auth-Remote: 192.0.2.17");

        Map<String, List<Wrk.Measurement>> rounds = new LinkedHashMap<>();
        rounds.put(ON, new ArrayList<>());
        rounds.put(OFF, new ArrayList<>());
        for (int round = 1; round <= ROUNDS; round++) {
            List<String> order = round % 2 == 1 ? List.of(ON, OFF) : List.of(OFF, ON);
            for (String scenario : order) {
                LoginBenchmark.policy(kc, Map.of("mailFailuresPerIp", scenario.equals(ON) ? "20" : "0"));
                LoginBenchmark.wrk(lua, url, bodies, WARMUP, CONNECTIONS, headers);
                LoginBenchmark.settle();
                Wrk.Measurement m = LoginBenchmark.wrk(lua, url, bodies, DURATION, CONNECTIONS, headers);
                LoginBenchmark.settle();
                System.out.printf(Locale.ROOT, "  round %d  %-36s %8.1f logins/s  (p50 %.1f ms, non-2xx %d)%n",
                        round, scenario, m.perSecond(), m.p50Ms(), m.non2xx() + m.socketErrors());
                rounds.get(scenario).add(m);
            }
        }
        kc.stop();

        line(report, "## Per-source throttle: app-password grants from one forwarded address (wrk -t" + CONNECTIONS
                + " -c" + CONNECTIONS + ", " + DURATION + " s per measurement after " + WARMUP + " s warm-up, "
                + ROUNDS + " rounds alternating)");
        line(report, "");
        line(report, "| scenario | logins/s per round | best | median | non-2xx |");
        line(report, "|---|---|---:|---:|---:|");
        boolean clean = true;
        for (Map.Entry<String, List<Wrk.Measurement>> e : rounds.entrySet()) {
            List<String> values = e.getValue().stream().map(m -> String.format(Locale.ROOT, "%.1f", m.perSecond())).toList();
            long failed = e.getValue().stream().mapToLong(m -> m.non2xx() + m.socketErrors()).sum();
            clean &= failed == 0;
            line(report, String.format(Locale.ROOT, "| %s | %s | **%.1f** | %.1f | %d |", e.getKey(),
                    String.join(" · ", values), best(e.getValue()), median(e.getValue()), failed));
        }
        double ratioBest = best(rounds.get(ON)) / best(rounds.get(OFF));
        double ratioMedian = median(rounds.get(ON)) / median(rounds.get(OFF));
        List<Double> paired = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            paired.add(rounds.get(ON).get(i).perSecond() / rounds.get(OFF).get(i).perSecond());
        }
        paired.sort(Double::compare);
        double ratioPaired = paired.get(paired.size() / 2);
        line(report, "");
        line(report, String.format(Locale.ROOT, "on / off: best %.3fx, median %.3fx, median of the rounds' pairs %.3fx "
                + "(target >= 0.95x: %s)", ratioBest, ratioMedian, ratioPaired, ratioPaired >= 0.95 ? "PASS" : "FAIL"));
        if (!clean) {
            line(report, "Some logins failed: the figures are not valid.");
        }
        Path out = Path.of(System.getProperty("bench.out", work.resolve("throttle.md").toString()));
        Files.writeString(out, report.toString());
        System.out.println("\nReport written to " + out.toAbsolutePath());
        System.exit(clean ? 0 : 1);
    }

    private static double best(List<Wrk.Measurement> ms) {
        return ms.stream().mapToDouble(Wrk.Measurement::perSecond).max().orElse(0);
    }

    private static double median(List<Wrk.Measurement> ms) {
        double[] v = ms.stream().mapToDouble(Wrk.Measurement::perSecond).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void line(StringBuilder report, String text) {
        System.out.println(text);
        report.append(text).append('\n');
    }
}
