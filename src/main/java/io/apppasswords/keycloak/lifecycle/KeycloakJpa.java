package io.apppasswords.keycloak.lifecycle;

import jakarta.persistence.EntityManager;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.Provider;

/**
 * Keycloak's JPA store, looked up by name: keycloak-model-jpa cannot be a compile dependency (its parent POM
 * is not published), and the one method needed is the standard {@code getEntityManager()}. Queries name
 * Keycloak's entities ({@code CredentialEntity}, {@code UserEntity}) in JPQL and read scalars only.
 */
final class KeycloakJpa {

    private static final String JPA_PROVIDER = "org.keycloak.connections.jpa.JpaConnectionProvider";

    private KeycloakJpa() {
    }

    @SuppressWarnings("unchecked")
    static EntityManager entityManager(KeycloakSession session) {
        try {
            Class<? extends Provider> type = (Class<? extends Provider>) Class.forName(JPA_PROVIDER, true,
                    KeycloakSession.class.getClassLoader());
            Provider jpa = session.getProvider(type);
            return (EntityManager) type.getMethod("getEntityManager").invoke(jpa);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Keycloak's JPA store is not available", e);
        }
    }
}
