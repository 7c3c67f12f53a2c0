package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unknown user and a known user with a wrong app password are indistinguishable on the "app passwords
 * only" client: same status, same body, and median latencies within a few milliseconds.
 */
class UserEnumerationIT {

    static final int ROUNDS = 150;
    static final double MAX_MEDIAN_GAP_MS = 5.0;

    @Test
    void unknownAndKnownUsersCannotBeToldApartByAnswerOrTime() {
        String known = Users.create("timing");
        Users.createAppPassword(known, "Mail");
        String wrong = "abcd-efgh-jkmn-pqrs-tvwx-yz23";
        TokenClient client = TokenClient.demo();

        List<Double> knownMs = new ArrayList<>();
        List<Double> unknownMs = new ArrayList<>();
        String knownBody = null;
        String unknownBody = null;
        for (int i = 0; i < ROUNDS + 20; i++) {
            // interleaved, so drift in machine load hits both series alike; the first 20 warm up
            long t0 = System.nanoTime();
            HttpReply k = client.mailLogin(known, wrong);
            long t1 = System.nanoTime();
            HttpReply u = client.mailLogin("nobody-" + UUID.randomUUID(), wrong);
            long t2 = System.nanoTime();
            assertEquals(400, k.status(), k.toString());
            assertEquals(400, u.status(), u.toString());
            knownBody = k.body();
            unknownBody = u.body();
            if (i >= 20) {
                knownMs.add((t1 - t0) / 1e6);
                unknownMs.add((t2 - t1) / 1e6);
            }
        }
        assertEquals(knownBody, unknownBody);
        double gap = Math.abs(median(knownMs) - median(unknownMs));
        System.out.printf("user enumeration timing: median known-user miss %.2f ms, unknown user %.2f ms, gap %.2f ms (%d rounds)%n",
                median(knownMs), median(unknownMs), gap, ROUNDS);
        assertTrue(gap < MAX_MEDIAN_GAP_MS, "median gap " + gap + " ms");
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
