package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.apppasswords.keycloak.it.TokenClient.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mail clients open several connections at once; app-password logins must not trip over each other. */
class ConcurrencyIT {

    /**
     * Keycloak's default (blocking) brute-force protector refuses a login while another login of the same
     * user is in progress. The app-password path reads the lockout state itself and must not.
     */
    @Test
    void concurrentCorrectLoginsOfOneUserAllSucceedWithBruteForceProtectionOn() throws Exception {
        RealmRepresentation original = Users.realm().toRepresentation();
        RealmRepresentation bruteForce = Users.realm().toRepresentation();
        bruteForce.setBruteForceProtected(true);
        bruteForce.setPermanentLockout(false);
        bruteForce.setFailureFactor(3);
        bruteForce.setWaitIncrementSeconds(300);
        bruteForce.setQuickLoginCheckMilliSeconds(0L);
        Users.realm().update(bruteForce);
        try {
            String username = Users.create("parallel");
            String secret = Users.createAppPassword(username, "Thunderbird");
            for (int round = 0; round < 5; round++) {
                List<HttpReply> answers = all(8, () -> mail(username, secret));
                long ok = answers.stream().filter(HttpReply::ok).count();
                assertEquals(8, ok, "round " + round + ": " + answers.stream().filter(r -> !r.ok()).toList());
            }

            // Wrong values, also in parallel, are refused and lock nobody (issue 23).
            all(8, () -> mail(username, AppPasswordAssertions.mutate(secret)));
            assertEquals(0, Users.failures(username));
            assertFalse(Users.lockedOut(username));
            assertTrue(mail(username, secret).ok());
        } finally {
            Users.realm().update(original);
        }
    }

    /**
     * Issue 23: eight attackers, each from an address of its own, guess in parallel at a user's name and at
     * others' while the user's two devices and a colleague's keep signing in from theirs: no lockout, and not
     * one refusal for a real device.
     */
    @Test
    void eightParallelAttackersLockNobodyAndRealDevicesNeverFail() throws Exception {
        RealmRepresentation original = Users.realm().toRepresentation();
        Users.realm().update(Fixtures.bruteForceOn(Users.realm().toRepresentation()));
        Policy.demoWith(Map.of("mailFailuresPerIp", "20"));
        try {
            String victim = Users.create("besieged");
            String phone = Users.createAppPassword(victim, "Phone");
            String laptop = Users.createAppPassword(victim, "Laptop");
            String colleague = Users.create("colleague");
            String desktop = Users.createAppPassword(colleague, "Desktop");
            List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Callable<Object>> work = new ArrayList<>();
            for (int a = 0; a < 8; a++) {
                String attackerIp = "10.23." + a + "." + (1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(254));
                String target = a % 2 == 0 ? victim : colleague;
                work.add(() -> {
                    for (int i = 0; i < 40; i++) {
                        TokenClient.demo().mailLoginFrom(attackerIp, target, AppPasswordAssertions.mutate(phone) + i);
                    }
                    return null;
                });
            }
            for (String[] device : List.of(new String[]{victim, phone, "192.0.2.10"},
                    new String[]{victim, laptop, "192.0.2.11"}, new String[]{colleague, desktop, "192.0.2.12"})) {
                work.add(() -> {
                    for (int i = 0; i < 20; i++) {
                        HttpReply r = TokenClient.demo().mailLoginFrom(device[2], device[0], device[1]);
                        if (!r.ok()) {
                            errors.add(device[0] + " from " + device[2] + ": " + r);
                        }
                    }
                    return null;
                });
            }
            ExecutorService pool = Executors.newFixedThreadPool(work.size());
            try {
                for (Future<Object> f : pool.invokeAll(work)) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(List.of(), errors, "refusals of real devices");
            assertFalse(Users.lockedOut(victim));
            assertFalse(Users.lockedOut(colleague));
            assertEquals(0, Users.failures(victim));
        } finally {
            Policy.reset();
            Users.realm().update(original);
        }
    }

    /** 50 logins while the same user creates and revokes app passwords: only intended answers, nothing lost. */
    @Test
    void loginsRaceWithCreationAndRevocation() throws Exception {
        String username = Users.create("race");
        String stable = Users.createAppPassword(username, "Stable");
        String bearer = Users.accountToken(username, Users.PASSWORD);

        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, String> created = new ConcurrentHashMap<>(); // name -> secret
        List<String> busy = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Callable<Object>> work = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            work.add(() -> {
                HttpReply r = mail(username, stable);
                if (!r.ok()) {
                    unexpected.add("login: " + r);
                }
                return null;
            });
        }
        for (int i = 0; i < 10; i++) {
            int n = i;
            work.add(() -> {
                HttpReply r = AppPasswordApi.create(bearer, "Temp " + n);
                if (r.status() == 409 && "try_again".equals(r.error())) {
                    busy.add("Temp " + n); // intended: the user's create lease stayed taken (loaded machine)
                } else if (r.status() != 201) {
                    unexpected.add("create: " + r);
                } else {
                    created.put("Temp " + n, r.json().path("password").asText());
                    HttpReply deleted = n % 2 == 0 ? AppPasswordApi.delete(bearer, r.json().path("id").asText()) : null;
                    if (deleted != null && deleted.status() != 204) {
                        unexpected.add("delete: " + deleted);
                    }
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            for (Future<Object> f : pool.invokeAll(shuffle(work))) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), unexpected, "unexpected refusals");
        assertEquals(10, created.size() + busy.size(), "every create answered");
        List<String> expected = new ArrayList<>(List.of("Stable"));
        created.keySet().stream().filter(n -> Integer.parseInt(n.substring(5)) % 2 == 1).forEach(expected::add);
        java.util.Collections.sort(expected);
        List<String> names = Users.appPasswords(username).stream().map(c -> c.getUserLabel()).sorted().toList();
        assertEquals(expected, names, "no lost or duplicated credential");
        created.forEach((name, secret) -> assertEquals(names.contains(name), mail(username, secret).ok(),
                name + ": works exactly while it exists"));
    }

    private static <T> List<T> all(int n, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> List<T> shuffle(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.shuffle(copy, new java.util.Random(42));
        return copy;
    }
}
