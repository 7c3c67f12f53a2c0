package io.apppasswords.keycloak.bench;

import io.apppasswords.keycloak.bench.ImapBenchmark.Result;
import io.apppasswords.keycloak.bench.ImapBenchmark.Scenario;
import io.apppasswords.keycloak.it.Dovecot;
import io.apppasswords.keycloak.it.Dovecot.Line;
import io.apppasswords.keycloak.it.KeycloakServer;
import io.apppasswords.keycloak.it.MailWire;
import io.apppasswords.keycloak.it.Users;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * IMAP logins through Dovecot's shipped Lua passdb against one Keycloak with Dovecot's auth cache off and on
 * ({@code bench/imap-cache.sh}), side by side: logins/s with 4 and 16 concurrent clients ({@link ImapBenchmark}'s
 * rounds and measurement), and a reconnect storm: {@code bench.devices} devices that signed in before all sign in
 * again at once; the time until the last one is in. The cache as docs/LIVE-REVOCATION.md describes it:
 * {@value #CACHE_ON}. Dovecot 2.4 caches a Lua passdb only when the script defines
 * {@code auth_passdb_get_cache_key()}: measured there only if the shipped script does. Every login must succeed:
 * the run exits non-zero otherwise.
 *
 * <p>System properties: those of {@link ImapBenchmark} ({@code bench.duration}, {@code bench.warmup},
 * {@code bench.rounds}, {@code bench.clients}, {@code bench.users}), {@code bench.devices} (20),
 * {@code bench.storms} (10 per scenario, alternating), {@code bench.out} (report file).
 */
public final class ImapCacheBenchmark {

    private static final int USERS = Integer.getInteger("bench.users", 32);
    private static final int DEVICES = Integer.getInteger("bench.devices", 20);
    private static final int STORMS = Integer.getInteger("bench.storms", 10);
    private static final String MAIL_CLIENT = "mail-server";
    private static final String MAIL_SECRET = "mail-server-secret";
    static final String CACHE_ON = "auth_cache_size = 10M, auth_cache_ttl = 5 mins, auth_cache_negative_ttl = 0";
    private static final String CACHE_KEY_FUNCTION = "function auth_passdb_get_cache_key";

    private ImapCacheBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String tokenEndpoint = KeycloakServer.get().tokenEndpoint();
        int users = Math.max(USERS, DEVICES);
        List<String[]> accounts = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String name = Users.create("imap-cache-bench");
            accounts.add(new String[] {name, Users.createAppPassword(name, "Bench mail app")});
        }
        List<Line> lines = new ArrayList<>(List.of(Line.V2_3));
        String note = null;
        if (!Files.readString(Dovecot.TEMPLATES.resolve(Dovecot.SCRIPT)).contains(CACHE_KEY_FUNCTION)) {
            note = "Dovecot 2.4: not measured: the shipped Lua script defines no auth_passdb_get_cache_key(), without "
                    + "which 2.4 caches nothing from a Lua passdb (the cache would be on in name only).";
        } else if (Dovecot.available(Line.V2_4)) {
            lines.add(Line.V2_4);
        } else {
            note = "Dovecot 2.4: not measured: its root (.ci/dovecot24-root.sh) is not on this machine.";
        }

        List<Scenario> scenarios = new ArrayList<>();
        List<Dovecot> started = new ArrayList<>();
        try {
            for (Line line : lines) {
                for (boolean cache : List.of(false, true)) {
                    Dovecot dovecot = Dovecot.create(line, "bench-cache-" + (cache ? "on" : "off"))
                            .keycloakPassdb(tokenEndpoint, MAIL_CLIENT, MAIL_SECRET);
                    cache(dovecot, cache);
                    started.add(dovecot);
                    scenarios.add(new Scenario(name(line, cache), dovecot.start()));
                }
            }
            Map<String, Map<Integer, Result>> rates = ImapBenchmark.run(scenarios, accounts);
            Map<String, List<Long>> storms = storms(scenarios, accounts.subList(0, DEVICES));
            report(lines, rates, storms, note);
        } finally {
            started.forEach(Dovecot::close);
        }
        System.exit(0); // the shared Keycloak stops in its shutdown hook
    }

    private static String name(Line line, boolean cache) {
        return "Lua passdb, " + line + ", cache " + (cache ? "on" : "off");
    }

    /** The shipped auth part with its cache settings replaced: off ({@code auth_cache_size = 0}) or {@link #CACHE_ON}. */
    private static void cache(Dovecot dovecot, boolean on) {
        Path auth = dovecot.dir().resolve("auth.conf");
        try {
            String shipped = Files.readString(auth).lines().filter(l -> !l.strip().startsWith("auth_cache_"))
                    .collect(Collectors.joining("\n", "", "\n"));
            String settings = on ? String.join("\n", CACHE_ON.split(", ")) : "auth_cache_size = 0";
            dovecot.write("auth.conf", shipped + settings + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Per scenario, {@link #STORMS} times, alternating between scenarios: every device signs in at once; the
     * milliseconds until the last one is in. Each device signed in once before the first storm, as a connected
     * device has.
     */
    private static Map<String, List<Long>> storms(List<Scenario> scenarios, List<String[]> devices) throws Exception {
        Map<String, List<Long>> times = new LinkedHashMap<>();
        for (Scenario s : scenarios) {
            storm(s.dovecot(), devices);
        }
        for (int i = 0; i < STORMS; i++) {
            for (Scenario s : scenarios) {
                long ms = storm(s.dovecot(), devices);
                System.out.printf(Locale.ROOT, "%-40s storm %d: %d devices in after %d ms%n", s.name(), i + 1,
                        devices.size(), ms);
                times.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(ms);
            }
        }
        return times;
    }

    /** All devices connect and LOGIN at the same moment; ms until the last LOGIN is answered OK. */
    private static long storm(Dovecot dovecot, List<String[]> devices) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(devices.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<String>> replies = new ArrayList<>();
            for (String[] device : devices) {
                replies.add(pool.submit(() -> {
                    go.await();
                    return MailWire.imapLogin(dovecot.imapPort(), null, device[0], device[1]);
                }));
            }
            Thread.sleep(200); // every thread waiting at the latch
            long start = System.nanoTime();
            go.countDown();
            for (Future<String> reply : replies) {
                String r = reply.get();
                if (!r.startsWith("a OK")) {
                    throw new IllegalStateException("a device was refused in the storm: " + r);
                }
            }
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void report(List<Line> lines, Map<String, Map<Integer, Result>> rates,
                               Map<String, List<Long>> storms, String note) throws IOException {
        StringBuilder out = new StringBuilder("Cache on: " + CACHE_ON + ".\n\n| scenario |");
        ImapBenchmark.CLIENTS.forEach(c -> out.append(" ").append(c).append(" clients, logins/s |"));
        out.append(" storm of ").append(DEVICES).append(": median ms | max ms | failed logins |\n|---|");
        ImapBenchmark.CLIENTS.forEach(c -> out.append("---:|"));
        out.append("---:|---:|---:|\n");
        rates.forEach((name, byClients) -> {
            out.append("| ").append(name).append(" |");
            ImapBenchmark.CLIENTS.forEach(c -> out.append(String.format(Locale.ROOT, " %.1f |", byClients.get(c).perSecond())));
            out.append(String.format(Locale.ROOT, " %d | %d | %d |%n", median(storms.get(name)),
                    storms.get(name).stream().mapToLong(Long::longValue).max().orElseThrow(),
                    byClients.values().stream().mapToLong(Result::failed).sum()));
        });
        out.append("\n| ratio, cache on / off |");
        ImapBenchmark.CLIENTS.forEach(c -> out.append(" ").append(c).append(" clients |"));
        out.append(" storm (off / on, median) |\n|---|");
        ImapBenchmark.CLIENTS.forEach(c -> out.append("---:|"));
        out.append("---:|\n");
        for (Line line : lines) {
            String off = name(line, false);
            String on = name(line, true);
            out.append("| ").append(line).append(" |");
            ImapBenchmark.CLIENTS.forEach(c -> out.append(String.format(Locale.ROOT, " %.2f× |",
                    rates.get(on).get(c).perSecond() / rates.get(off).get(c).perSecond())));
            out.append(String.format(Locale.ROOT, " %.2f× |%n", median(storms.get(off)) / (double) median(storms.get(on))));
        }
        if (note != null) {
            out.append('\n').append(note).append('\n');
        }
        System.out.println();
        System.out.println(out);
        Path file = Path.of(System.getProperty("bench.out", "target/bench/imap-cache-results.md"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
        long failed = rates.values().stream().flatMap(m -> m.values().stream()).mapToLong(Result::failed).sum();
        if (failed > 0) {
            System.err.println(failed + " logins failed: the figures do not count");
            System.exit(1);
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
