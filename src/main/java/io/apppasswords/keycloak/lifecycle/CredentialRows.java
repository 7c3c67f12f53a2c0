package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.KeycloakJpa;
import org.keycloak.models.KeycloakSession;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The housekeeping's reads of the credential table, realm-wide and by id order, as scalars: one page at a
 * time, whatever the number of users.
 */
final class CredentialRows {

    private static final String DISCONNECTED = "\"disconnectedExpiry\":";

    /** One credential row: its id, its user's id and realm, its data (JSON) and when it was created. */
    record Row(String id, String userId, String realmId, String data, Long created) {
    }

    private CredentialRows() {
    }

    /** Up to {@code limit} rows of this credential type with an id after {@code after}, in id order. */
    static List<Row> page(KeycloakSession session, String type, String after, int limit) {
        return KeycloakJpa.entityManager(session).createQuery(
                        "select c.id, c.user.id, c.user.realmId, c.credentialData, c.createdDate from CredentialEntity c"
                                + " where c.type = :type and c.id > :after order by c.id", Object[].class)
                .setParameter("type", type)
                .setParameter("after", after)
                .setMaxResults(limit)
                .getResultList().stream()
                .map(CredentialRows::row)
                .toList();
    }

    /**
     * Up to {@code limit} app-password rows of these realms, in id order, used, that expired at or after
     * {@code from} and by {@code to}, and whose expiry is not yet noted as disconnected ({@code disconnectedExpiry}):
     * read by the times in their JSON data as {@link AppPasswordInventory}'s filters are, so that they are found
     * within one run whatever the size of the table.
     */
    static List<Row> expiredNotDisconnected(KeycloakSession session, Collection<String> realmIds, long from, long to,
                                            int limit) {
        String expiresAt = AppPasswordInventory.value(AppPasswordInventory.EXPIRES);
        return KeycloakJpa.entityManager(session).createQuery(
                        "select c.id, c.user.id, c.user.realmId, c.credentialData, c.createdDate from CredentialEntity c"
                                + " where c.type = :type and c.user.realmId in :realms"
                                + " and " + AppPasswordInventory.present(AppPasswordInventory.EXPIRES)
                                + " and " + expiresAt + " >= :from and " + expiresAt + " <= :to"
                                + " and " + AppPasswordInventory.present(AppPasswordInventory.LAST_USED)
                                + " and (" + AppPasswordInventory.absent(DISCONNECTED)
                                + " or " + AppPasswordInventory.value(DISCONNECTED) + " <> " + expiresAt + ")"
                                + " order by c.id", Object[].class)
                .setParameter("type", AppPasswordCredentialModel.TYPE)
                .setParameter("realms", realmIds)
                .setParameter("from", AppPasswordInventory.millis(from))
                .setParameter("to", AppPasswordInventory.millis(to))
                .setMaxResults(limit)
                .getResultList().stream()
                .map(CredentialRows::row)
                .toList();
    }

    /** Which of these credential ids still exist. */
    static Set<String> existing(KeycloakSession session, Collection<String> ids) {
        return ids.isEmpty() ? Set.of() : new HashSet<>(KeycloakJpa.entityManager(session).createQuery(
                        "select c.id from CredentialEntity c where c.id in :ids", String.class)
                .setParameter("ids", ids)
                .getResultList());
    }

    private static Row row(Object[] r) {
        return new Row((String) r[0], (String) r[1], (String) r[2], (String) r[3], (Long) r[4]);
    }
}
