package io.apppasswords.keycloak.lifecycle;

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
                .map(r -> new Row((String) r[0], (String) r[1], (String) r[2], (String) r[3], (Long) r[4]))
                .toList();
    }

    /** Which of these credential ids still exist. */
    static Set<String> existing(KeycloakSession session, Collection<String> ids) {
        return ids.isEmpty() ? Set.of() : new HashSet<>(KeycloakJpa.entityManager(session).createQuery(
                        "select c.id from CredentialEntity c where c.id in :ids", String.class)
                .setParameter("ids", ids)
                .getResultList());
    }
}
