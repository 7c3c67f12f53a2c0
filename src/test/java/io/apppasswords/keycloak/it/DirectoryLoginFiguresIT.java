package io.apppasswords.keycloak.it;

import io.apppasswords.keycloak.it.DirectoryRealm.Mode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Figures, not assertions on time: sequential app-password logins on the mail client for a local user and
 * for directory users (import on and off), and what an unknown user costs next to a known one with a wrong
 * app password when every unknown name is a directory search. The scenarios run round-robin, so the load of
 * the machine hits them alike; results are medians and ratios. Rerun alone with
 * {@code ./mvnw -B -ntp verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=DirectoryLoginFiguresIT
 * -Ddirectory.figures.logins=300} (docs/DIRECTORIES.md has the figures).
 */
class DirectoryLoginFiguresIT {

    static final String WRONG = "abcd-efgh-jkmn-pqrs-tvwx-yz23";

    @Test
    void printsLoginFiguresOfLocalAndDirectoryUsers() {
        int logins = Integer.getInteger("directory.figures.logins", 60);
        int warmup = 10;
        String local = Users.create("figures");
        String localSecret = Users.createAppPassword(local, "Mail");
        DirectoryRealm on = DirectoryRealm.of(Mode.IMPORT_WRITABLE);
        DirectoryRealm off = DirectoryRealm.of(Mode.NO_IMPORT_WRITABLE);
        String[] onUser = directoryUser(on);
        String[] offUser = directoryUser(off);

        Map<String, Supplier<HttpReply>> scenarios = new LinkedHashMap<>();
        TokenClient demo = TokenClient.demo();
        scenarios.put("local ok", () -> demo.mailLogin(local, localSecret));
        scenarios.put("import on ok", () -> on.tokens().mailLogin(onUser[0], onUser[1]));
        scenarios.put("import off ok", () -> off.tokens().mailLogin(offUser[0], offUser[1]));
        scenarios.put("local wrong", () -> demo.mailLogin(local, WRONG));
        scenarios.put("local unknown", () -> demo.mailLogin("nobody-" + UUID.randomUUID(), WRONG));
        scenarios.put("import on wrong", () -> on.tokens().mailLogin(onUser[0], WRONG));
        scenarios.put("import on unknown", () -> on.tokens().mailLogin("nobody-" + UUID.randomUUID(), WRONG));
        scenarios.put("import off wrong", () -> off.tokens().mailLogin(offUser[0], WRONG));
        scenarios.put("import off unknown", () -> off.tokens().mailLogin("nobody-" + UUID.randomUUID(), WRONG));

        Map<String, List<Double>> ms = new LinkedHashMap<>();
        scenarios.keySet().forEach(k -> ms.put(k, new ArrayList<>()));
        for (int i = 0; i < warmup + logins; i++) {
            for (var scenario : scenarios.entrySet()) {
                long t0 = System.nanoTime();
                HttpReply r = scenario.getValue().get();
                long t1 = System.nanoTime();
                assertEquals(scenario.getKey().endsWith("ok"), r.ok(), scenario.getKey() + ": " + r);
                if (i >= warmup) {
                    ms.get(scenario.getKey()).add((t1 - t0) / 1e6);
                }
            }
        }

        Map<String, Double> median = new LinkedHashMap<>();
        ms.forEach((k, v) -> median.put(k, AppPasswordAssertions.median(v)));
        StringBuilder out = new StringBuilder(String.format("[DirectoryLoginFiguresIT] %d sequential logins per scenario, round-robin%n", logins));
        median.forEach((k, v) -> out.append(String.format("  %-20s median %7.2f ms%n", k, v)));
        out.append(String.format("  app-password login, directory / local:  import on %.2f, import off %.2f%n",
                median.get("import on ok") / median.get("local ok"), median.get("import off ok") / median.get("local ok")));
        for (String realm : List.of("local", "import on", "import off")) {
            double unknown = median.get(realm + " unknown");
            double wrong = median.get(realm + " wrong");
            out.append(String.format("  enumeration, %-10s unknown / known-wrong %.2f (gap %+.2f ms)%n", realm + ":",
                    unknown / wrong, unknown - wrong));
        }
        System.out.print(out);
        assertTrue(median.values().stream().allMatch(v -> v > 0));
    }

    private static String[] directoryUser(DirectoryRealm realm) {
        String uid = DirectoryRealm.newDirectoryUser("figures");
        String bearer = DirectoryRealm.accountToken(realm, uid, DirectoryRealm.DIRECTORY_PASSWORD, null);
        HttpReply created = DirectoryRealm.create(realm, bearer, "Mail");
        assertEquals(201, created.status(), created.toString());
        return new String[] {uid, created.json().path("password").asText()};
    }
}
