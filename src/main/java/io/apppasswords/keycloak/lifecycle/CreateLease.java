package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Serialises the creation of app passwords per user, across the cluster: a key in Keycloak's single-use
 * object store, whose {@code putIfAbsent} succeeds for exactly one caller on any node. Counting and inserting
 * under it makes the per-user maximum hold under concurrent requests (a count-then-insert alone races).
 * The key expires by itself, so a node that dies while holding it blocks that user only briefly.
 */
final class CreateLease implements AutoCloseable {

    /** Far longer than one create takes; only a crashed holder ever lets it run out. */
    private static final long LIFESPAN_SECONDS = 30;
    private static final long WAIT_MILLIS = 10_000;

    private final SingleUseObjectProvider store;
    private final String key;

    private CreateLease(SingleUseObjectProvider store, String key) {
        this.store = store;
        this.key = key;
    }

    /** Waits (briefly) for the user's lease; refuses with {@link AppPasswordError#BUSY} if it stays taken. */
    static CreateLease acquire(KeycloakSession session, RealmModel realm, UserModel user) {
        SingleUseObjectProvider store = session.singleUseObjects();
        String key = "app-password.create." + realm.getId() + "." + user.getId();
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        while (!store.putIfAbsent(key, LIFESPAN_SECONDS)) {
            if (System.nanoTime() > deadline) {
                throw new AppPasswordException(AppPasswordError.BUSY);
            }
            try {
                Thread.sleep(10 + ThreadLocalRandom.current().nextInt(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AppPasswordException(AppPasswordError.BUSY);
            }
        }
        return new CreateLease(store, key);
    }

    @Override
    public void close() {
        store.remove(key);
    }
}
