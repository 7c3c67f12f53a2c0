package io.apppasswords.keycloak.credential;

import org.junit.jupiter.api.Test;
import org.keycloak.credential.CredentialModel;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppPasswordMatchTest {

    private static CredentialModel stored(String id, String secret) {
        AppPasswordCredentialModel model = AppPasswordCredentialModel.create("n-" + id, secret, 1L, null, null, null);
        model.setId(id);
        return model;
    }

    @Test
    void findsTheOneMatchingAmongManyWhateverItsPosition() {
        List<CredentialModel> all = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String secret = AppPasswordSecret.generate();
            secrets.add(secret);
            all.add(stored("c" + i, secret));
        }
        for (int i : new int[]{0, 57, 99}) {
            assertEquals("c" + i, AppPasswordMatcher.match(all, secrets.get(i).toUpperCase()).orElseThrow().getId());
        }
        String wrong = secrets.get(3).substring(0, 28) + (secrets.get(3).endsWith("a") ? "b" : "a");
        assertTrue(AppPasswordMatcher.match(all, wrong).isEmpty());
        assertTrue(AppPasswordMatcher.match(all, "not an app password").isEmpty());
        assertTrue(AppPasswordMatcher.match(List.of(), secrets.get(0)).isEmpty());
    }

    @Test
    void theStoredRowHoldsOnlyTheDigestInTheFormTheFastCompareExpects() {
        String secret = AppPasswordSecret.generate();
        CredentialModel row = stored("x", secret);
        byte[] digest = AppPasswordSecret.digest(AppPasswordSecret.normalise(secret));
        assertEquals(new String(AppPasswordMatcher.secretDataFor(digest)), row.getSecretData());
        assertFalse(row.getSecretData().contains(AppPasswordSecret.normalise(secret)));
        assertFalse(row.getCredentialData().contains(AppPasswordSecret.normalise(secret)));
    }

    @Test
    void aRowInAnotherJsonLayoutIsStillRecognised() {
        String secret = AppPasswordSecret.generate();
        String digest = AppPasswordSecret.encode(AppPasswordSecret.digest(AppPasswordSecret.normalise(secret)));
        CredentialModel row = stored("y", secret);
        row.setSecretData("{ \"digest\" : \"" + digest + "\", \"note\": 1 }");
        assertEquals("y", AppPasswordMatcher.match(List.of(row), secret).orElseThrow().getId());
        row.setSecretData("{\"digest\":\"not base64!\"}");
        assertTrue(AppPasswordMatcher.match(List.of(row), secret).isEmpty());
    }

    /** An ended app password's record, as {@link AppPasswordHistory#remember} writes it: the same digest. */
    private static CredentialModel record(String id, CredentialModel appPassword) {
        CredentialModel row = new CredentialModel();
        row.setId(id);
        row.setType(AppPasswordHistory.TYPE);
        row.setSecretData(appPassword.getSecretData());
        return row;
    }

    @Test
    void aLiveAppPasswordOutranksItsRecordWhicheverComesFirstAndARecordAloneIsFound() {
        String secret = AppPasswordSecret.generate();
        CredentialModel live = stored("live", secret);
        CredentialModel record = record("rec", live);
        assertEquals("live", AppPasswordMatcher.match(List.of(record, live), secret).orElseThrow().getId());
        assertEquals("live", AppPasswordMatcher.match(List.of(live, record), secret).orElseThrow().getId());
        assertEquals("rec", AppPasswordMatcher.match(List.of(stored("other", AppPasswordSecret.generate()), record), secret)
                .orElseThrow().getId());
        assertTrue(AppPasswordMatcher.match(List.of(record), AppPasswordSecret.generate()).isEmpty());
    }
}
