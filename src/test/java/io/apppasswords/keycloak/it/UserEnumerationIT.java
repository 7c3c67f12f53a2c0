package io.apppasswords.keycloak.it;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unknown user, a known user with a wrong app password and a known user with one of their ended app
 * passwords are indistinguishable on the "app passwords only" client: same status, same body, and median
 * latencies within a few milliseconds.
 */
class UserEnumerationIT {

    static final int ROUNDS = 150;
    static final double MAX_MEDIAN_GAP_MS = 5.0;

    @Test
    void unknownAndKnownUsersCannotBeToldApartByAnswerOrTime() {
        String known = Users.create("timing");
        Users.createAppPassword(known, "Mail");
        String ended = Users.createAppPassword(known, "Old phone");
        Users.get(known).removeCredential(Users.appPasswords(known).stream()
                .filter(c -> "Old phone".equals(c.getUserLabel())).findFirst().orElseThrow().getId());
        String wrong = "abcd-efgh-jkmn-pqrs-tvwx-yz23";
        TokenClient client = TokenClient.demo();

        List<Double> knownMs = new ArrayList<>();
        List<Double> unknownMs = new ArrayList<>();
        List<Double> endedMs = new ArrayList<>();
        String knownBody = null;
        String unknownBody = null;
        String endedBody = null;
        for (int i = 0; i < ROUNDS + 20; i++) {
            // interleaved, so drift in machine load hits both series alike; the first 20 warm up
            long t0 = System.nanoTime();
            HttpReply k = client.mailLogin(known, wrong);
            long t1 = System.nanoTime();
            HttpReply u = client.mailLogin("nobody-" + UUID.randomUUID(), wrong);
            long t2 = System.nanoTime();
            HttpReply e = client.passwordGrant(DemoRealm.MAIL, DemoRealm.MAIL_SECRET, known, ended);
            long t3 = System.nanoTime();
            assertEquals(400, k.status(), k.toString());
            assertEquals(400, u.status(), u.toString());
            assertEquals(400, e.status(), e.toString());
            knownBody = k.body();
            unknownBody = u.body();
            endedBody = e.body();
            if (i >= 20) {
                knownMs.add((t1 - t0) / 1e6);
                unknownMs.add((t2 - t1) / 1e6);
                endedMs.add((t3 - t2) / 1e6);
            }
        }
        assertEquals(knownBody, unknownBody);
        assertEquals(knownBody, endedBody);
        double gap = Math.abs(AppPasswordAssertions.median(knownMs) - AppPasswordAssertions.median(unknownMs));
        double endedGap = Math.max(Math.abs(AppPasswordAssertions.median(endedMs) - AppPasswordAssertions.median(knownMs)), Math.abs(AppPasswordAssertions.median(endedMs) - AppPasswordAssertions.median(unknownMs)));
        System.out.printf("user enumeration timing: median known-user miss %.2f ms, unknown user %.2f ms, ended app password "
                        + "%.2f ms, gaps %.2f / %.2f ms (%d rounds)%n",
                AppPasswordAssertions.median(knownMs), AppPasswordAssertions.median(unknownMs), AppPasswordAssertions.median(endedMs), gap, endedGap, ROUNDS);
        assertTrue(gap < MAX_MEDIAN_GAP_MS, "median gap " + gap + " ms");
        assertTrue(endedGap < MAX_MEDIAN_GAP_MS, "median gap of the ended app password " + endedGap + " ms");
    }
}
