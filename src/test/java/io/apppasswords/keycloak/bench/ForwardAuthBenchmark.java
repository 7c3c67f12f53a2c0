package io.apppasswords.keycloak.bench;

import io.apppasswords.keycloak.it.DavServers;
import io.apppasswords.keycloak.it.DemoRealm;
import io.apppasswords.keycloak.it.ForwardAuth;
import io.apppasswords.keycloak.it.HttpReply;
import io.apppasswords.keycloak.it.KeycloakServer;
import io.apppasswords.keycloak.it.Users;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Forward-auth checks per second next to the app-password grant at the token endpoint, in one run
 * ({@code bench/forward-auth.sh}): the grant of the demo's {@code mail-server}, the check asked directly as
 * nginx asks it, and a small file of the WebDAV share of {@code nginx-separate.conf} fetched through nginx
 * (one check per request, nginx serves the file itself). Every answer must be a 2xx: the run exits non-zero
 * otherwise.
 *
 * <p>System properties: {@code bench.duration} (s per measurement, 15), {@code bench.warmup} (s, 5),
 * {@code bench.rounds} (3; each round starts one scenario later), {@code bench.connections} (4, one wrk thread
 * each), {@code bench.users} (8), {@code bench.out} (report file).
 */
public final class ForwardAuthBenchmark {

    private static final int DURATION = Integer.getInteger("bench.duration", 15);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 5);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 4);
    private static final int USERS = Integer.getInteger("bench.users", 8);
    private static final String GRANT = "app-password grant, token endpoint";
    private static final String DIRECT = "forward-auth check, asked directly";
    private static final String NGINX = "file through nginx (auth_request), one check each";

    private record Scenario(String name, String url, String method, Path lines, Path script) {
    }

    public static void main(String[] args) throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        DavServers servers = DavServers.get();
        Path work = Files.createDirectories(Path.of("target", "bench", "forward-auth"));

        List<String> grants = new ArrayList<>();
        List<String> direct = new ArrayList<>();
        List<String> device = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String name = Users.create("fwd-bench");
            String secret = Users.createAppPassword(name, "Bench phone");
            grants.add(form(Map.of("grant_type", "password", "client_id", DemoRealm.MAIL,
                    "client_secret", DemoRealm.MAIL_SECRET, "username", name, "password", secret)));
            StringBuilder headers = new StringBuilder();
            ForwardAuth.proxy("webdav").forEach((k, v) -> headers.append(k).append(": ").append(v).append('\t'));
            headers.append("X-Forwarded-For: 192.0.2.").append(i + 1).append('\t');
            direct.add(headers + "Authorization: " + ForwardAuth.basic(name, secret));
            device.add("Authorization: " + ForwardAuth.basic(name, secret));
        }
        String file = servers.separateUrl() + "files/bench.txt";
        HttpReply put = ForwardAuth.check(file, "PUT", Map.of("Authorization", device.get(0).substring("Authorization: ".length())));
        if (put.status() != 201 && put.status() != 204) {
            throw new IllegalStateException("PUT " + file + ": " + put);
        }

        Path token = Path.of("bench", "token.lua").toAbsolutePath();
        Path requests = Path.of("bench", "requests.lua").toAbsolutePath();
        List<Scenario> scenarios = List.of(
                new Scenario(GRANT, keycloak.tokenEndpoint(), "POST", write(work, "grants", grants), token),
                new Scenario(DIRECT, ForwardAuth.url(), "GET", write(work, "direct", direct), requests),
                new Scenario(NGINX, file, "GET", write(work, "device", device), requests));

        Map<String, Wrk.Measurement> best = new LinkedHashMap<>();
        scenarios.forEach(s -> best.put(s.name(), null));
        long non2xx = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < scenarios.size(); i++) {
                Scenario s = scenarios.get((i + round) % scenarios.size());
                wrk(s, WARMUP);
                Wrk.Measurement m = wrk(s, DURATION);
                non2xx += m.non2xx() + m.socketErrors();
                System.out.printf(Locale.ROOT, "%-52s round %d: %8.1f/s, p50 %.1f ms, p99 %.1f ms, non-2xx %d%n",
                        s.name(), round + 1, m.perSecond(), m.p50Ms(), m.p99Ms(), m.non2xx());
                best.merge(s.name(), m, (a, b) -> a == null || b.perSecond() > a.perSecond() ? b : a);
            }
        }
        report(best, non2xx);
        System.exit(non2xx == 0 ? 0 : 1); // the shared Keycloak and nginx stop in their shutdown hooks
    }

    private static void report(Map<String, Wrk.Measurement> best, long non2xx) throws IOException {
        StringBuilder out = new StringBuilder("| scenario | best of " + ROUNDS + " rounds, per second | p50 ms | p99 ms |\n|---|---:|---:|---:|\n");
        best.forEach((name, m) -> out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n",
                name, m.perSecond(), m.p50Ms(), m.p99Ms())));
        double grant = best.get(GRANT).perSecond();
        out.append(String.format(Locale.ROOT, "%n| ratio | |%n|---|---:|%n| check asked directly / grant (target >= 2) | %.2f× |%n"
                        + "| check through nginx / grant | %.2f× |%n| non-2xx answers, all rounds | %d |%n",
                best.get(DIRECT).perSecond() / grant, best.get(NGINX).perSecond() / grant, non2xx));
        System.out.println();
        System.out.println(out);
        Path file = Path.of(System.getProperty("bench.out", "target/bench/forward-auth-results.md"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
    }

    private static Wrk.Measurement wrk(Scenario s, int seconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t" + CONNECTIONS, "-c" + CONNECTIONS, "-d" + seconds + "s",
                "--timeout", "10s", "-s", s.script().toString(), s.url(), "--", s.lines().toAbsolutePath().toString(),
                String.valueOf(CONNECTIONS)));
        if (s.script().getFileName().toString().equals("requests.lua")) {
            cmd.add(s.method());
        }
        return Wrk.run(cmd, seconds);
    }

    private static Path write(Path dir, String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name + ".lines"), lines);
    }

    private static String form(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return body.toString();
    }
}
