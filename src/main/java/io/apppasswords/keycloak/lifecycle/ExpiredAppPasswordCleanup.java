package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialData;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordHistory;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.policy.RealmPolicy;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.Provider;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes app passwords whose expiry lies further back than their realm's grace period, and forgets ended
 * app passwords past their realm's retention. Runs on a timer on
 * every node, but through {@link ClusterProvider#executeIfNotExecuted} only one node works per interval.
 *
 * <p>Each run reads one page of app-password rows (id order, resuming where the last run stopped, wrapping
 * around at the end) and deletes at most {@value #MAX_DELETES}, so a run's cost is bounded whatever the
 * number of users. Deletion goes through the user's credential manager, which keeps the caches right and
 * lets the REMOVE_CREDENTIAL event say why. Credentials of federated users (stored beside an LDAP user) are
 * not in this table and are not cleaned up; they are refused at login all the same.
 */
public class ExpiredAppPasswordCleanup implements Runnable {

    public static final String TASK_NAME = "app-password-expired-cleanup";
    static final int PAGE = 500;
    static final int MAX_DELETES = 100;

    private static final Logger LOG = Logger.getLogger(ExpiredAppPasswordCleanup.class);
    /**
     * Keycloak's JPA store, looked up by name: keycloak-model-jpa cannot be a compile dependency (its parent
     * POM is not published), and the one method needed is the standard {@code getEntityManager()}.
     */
    private static final String JPA_PROVIDER = "org.keycloak.connections.jpa.JpaConnectionProvider";

    private final KeycloakSessionFactory factory;
    private final int intervalSeconds;
    private volatile String cursor = "";
    private volatile String historyCursor = "";

    public ExpiredAppPasswordCleanup(KeycloakSessionFactory factory, int intervalSeconds) {
        this.factory = factory;
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public void run() {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(ClusterProvider.class)
                    .executeIfNotExecuted(TASK_NAME, intervalSeconds, () -> runOnce(session) + forgetOnce(session)));
        } catch (RuntimeException e) {
            LOG.warnf(e, "clean-up of expired app passwords failed; retrying in %d s", intervalSeconds);
        }
    }

    /** One bounded pass; returns how many app passwords it deleted. */
    int runOnce(KeycloakSession session) {
        List<Object[]> rows = page(session, AppPasswordCredentialModel.TYPE, cursor);
        long now = Time.currentTimeMillis();
        Map<String, AppPasswordPolicy> policies = new HashMap<>();
        int deleted = 0;
        String handled = cursor;
        for (Object[] row : rows) {
            if (deleted == MAX_DELETES) {
                break;
            }
            if (removeIfDue(session, row, now, policies)) {
                deleted++;
            }
            handled = (String) row[0];
        }
        boolean wholePage = !rows.isEmpty() && handled.equals(rows.get(rows.size() - 1)[0]);
        cursor = wholePage && rows.size() < PAGE || rows.isEmpty() ? "" : handled;
        if (deleted > 0) {
            LOG.debugf("deleted %d expired app passwords", deleted);
        }
        return deleted;
    }

    /**
     * One bounded pass over the records of ended app passwords ({@link AppPasswordHistory}): forgets those past
     * their realm's retention (all of them when it is 0), and dates the ones whose app password a way without
     * an event removed, so that their retention runs too. Returns how many it forgot.
     */
    int forgetOnce(KeycloakSession session) {
        List<Object[]> rows = page(session, AppPasswordHistory.TYPE, historyCursor);
        historyCursor = rows.size() < PAGE ? "" : (String) rows.get(rows.size() - 1)[0];
        Map<String, AppPasswordHistory.Data> records = new HashMap<>();
        for (Object[] row : rows) {
            AppPasswordHistory.Data data = historyData((String) row[3]);
            if (data != null && data.appPasswordId != null) {
                records.put((String) row[0], data);
            }
        }
        Set<String> live = records.isEmpty() ? Set.of() : new HashSet<>(entityManager(session).createQuery(
                        "select c.id from CredentialEntity c where c.id in :ids", String.class)
                .setParameter("ids", records.values().stream().map(d -> d.appPasswordId).toList())
                .getResultList());
        long now = Time.currentTimeMillis();
        Map<String, AppPasswordPolicy> policies = new HashMap<>();
        int forgotten = 0;
        for (Object[] row : rows) {
            AppPasswordHistory.Data data = records.get((String) row[0]);
            RealmModel realm = data == null || live.contains(data.appPasswordId) ? null
                    : session.realms().getRealm((String) row[2]);
            if (realm == null) {
                continue;
            }
            AppPasswordPolicy policy = policies.computeIfAbsent(realm.getId(), id -> RealmPolicy.of(realm));
            boolean forget = !policy.remembers(data.endedAt, now);
            if (!forget && data.endedAt != null) {
                continue;
            }
            session.getContext().setRealm(realm);
            UserModel user = session.users().getUserById(realm, (String) row[1]);
            if (user == null) {
                continue;
            }
            if (forget) {
                user.credentialManager().removeStoredCredentialById((String) row[0]);
                forgotten++;
            } else {
                AppPasswordHistory.find(user, data.appPasswordId)
                        .ifPresent(h -> h.markEnded(user, now, EndReason.DELETED.name()));
            }
        }
        if (forgotten > 0) {
            LOG.debugf("forgot %d ended app passwords past their retention", forgotten);
        }
        return forgotten;
    }

    private static AppPasswordHistory.Data historyData(String credentialData) {
        try {
            return credentialData == null ? null
                    : JsonSerialization.readValue(credentialData, AppPasswordHistory.Data.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** Row: credential id, user id, realm id, credential data. */
    private static boolean removeIfDue(KeycloakSession session, Object[] row, long now,
                                       Map<String, AppPasswordPolicy> policies) {
        Long expiresAt = expiresAt((String) row[3]);
        RealmModel realm = expiresAt == null ? null : session.realms().getRealm((String) row[2]);
        if (realm == null) {
            return false;
        }
        AppPasswordPolicy policy = policies.computeIfAbsent(realm.getId(), id -> RealmPolicy.of(realm));
        if (now < policy.removableAfter(expiresAt)) {
            return false;
        }
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, (String) row[1]);
        AppPasswordCredentialModel credential = user == null ? null
                : AppPasswordCredentialProvider.of(session).get(user, (String) row[0]).orElse(null);
        return credential != null && new AppPasswords(session, realm).end(user, credential, EndReason.EXPIRED,
                AppPasswordEvents.system(session, realm, user, null));
    }

    private static Long expiresAt(String credentialData) {
        if (credentialData == null) {
            return null;
        }
        try {
            return JsonSerialization.readValue(credentialData, AppPasswordCredentialData.class).getExpiresAt();
        } catch (IOException e) {
            return null;
        }
    }

    /** Up to {@value #PAGE} rows of this credential type after {@code after}: id, user id, realm id, data. */
    private static List<Object[]> page(KeycloakSession session, String type, String after) {
        return entityManager(session).createQuery(
                        "select c.id, c.user.id, c.user.realmId, c.credentialData from CredentialEntity c"
                                + " where c.type = :type and c.id > :after order by c.id", Object[].class)
                .setParameter("type", type)
                .setParameter("after", after)
                .setMaxResults(PAGE)
                .getResultList();
    }

    @SuppressWarnings("unchecked")
    private static EntityManager entityManager(KeycloakSession session) {
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
