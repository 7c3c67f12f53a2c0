package io.apppasswords.keycloak.credential;

import jakarta.persistence.EntityManager;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;
import org.keycloak.storage.StorageId;

/**
 * Keycloak's JPA store, looked up by name: keycloak-model-jpa and keycloak-model-storage cannot be compile
 * dependencies (their parent POMs are not published), and the methods needed are the standard
 * {@code getEntityManager()} and the user cache's {@code evict}. Queries name Keycloak's entities
 * ({@code CredentialEntity}, {@code UserEntity}) in JPQL; they read scalars, except {@link #deleteCredential}.
 */
public final class KeycloakJpa {

    private static final String JPA_PROVIDER = "org.keycloak.connections.jpa.JpaConnectionProvider";
    private static final String USER_CACHE = "org.keycloak.models.cache.UserCache";

    private KeycloakJpa() {
    }

    @SuppressWarnings("unchecked")
    public static EntityManager entityManager(KeycloakSession session) {
        try {
            Class<? extends Provider> type = (Class<? extends Provider>) Class.forName(JPA_PROVIDER, true,
                    KeycloakSession.class.getClassLoader());
            Provider jpa = session.getProvider(type);
            return (EntityManager) type.getMethod("getEntityManager").invoke(jpa);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Keycloak's JPA store is not available", e);
        }
    }

    /**
     * Deletes one of the user's credential rows and nothing else; false if it was already gone.
     *
     * <p>Keycloak's own removal renumbers the priority of every later credential of the user, each write
     * checked against a version that a login's last-use stamp (or any other write) may have moved meanwhile:
     * under steady logins a revocation could lose every retry. This delete names the row by id and owner and
     * checks no version, so a concurrent write can only delay it (the row lock), never fail it; a last-use
     * stamp that comes second finds no row and is dropped ({@link LastUse}). The gap it leaves in the priorities
     * is harmless: Keycloak only orders by them and appends after the last. Users of a federated store without
     * import keep their credentials outside this table: those take Keycloak's path.
     */
    public static boolean deleteCredential(KeycloakSession session, RealmModel realm, UserModel user, String id) {
        if (!StorageId.isLocalStorage(user.getId())) {
            return user.credentialManager().getStoredCredentialById(id) != null
                    && user.credentialManager().removeStoredCredentialById(id);
        }
        int deleted = entityManager(session)
                .createQuery("delete from CredentialEntity c where c.id = :id and c.user.id = :user")
                .setParameter("id", id).setParameter("user", user.getId()).executeUpdate();
        if (deleted == 0) {
            return false;
        }
        evictFromCache(session, realm, user);
        return true;
    }

    /** Every node forgets the cached user (and with it the credential list) once this transaction commits. */
    @SuppressWarnings("unchecked")
    private static void evictFromCache(KeycloakSession session, RealmModel realm, UserModel user) {
        try {
            Class<? extends Provider> type = (Class<? extends Provider>) Class.forName(USER_CACHE, true,
                    KeycloakSession.class.getClassLoader());
            Provider cache = session.getProvider(type);
            if (cache != null) { // the user cache is switched off
                type.getMethod("evict", RealmModel.class, UserModel.class).invoke(cache, realm, user);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Keycloak's user cache is not available", e);
        }
    }
}
