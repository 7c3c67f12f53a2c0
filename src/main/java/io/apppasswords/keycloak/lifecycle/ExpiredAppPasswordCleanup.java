package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialData;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordHistory;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.policy.RealmPolicy;
import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The realm policies' periodic work on app passwords: deletes those expired longer ago than the grace period
 * and those unused for {@code revokeUnusedDays}, e-mails a warning {@code warnDaysBefore} days before an
 * app password expires or is revoked as unused, once per app password and reason (the data remembers what
 * was warned of: a later use or a new expiry brings a new warning), and forgets ended app passwords past
 * their realm's retention. Runs on a timer on every node, but through
 * {@link ClusterProvider#executeIfNotExecuted} only one node works per interval.
 *
 * <p>Each run reads one page of rows of each kind (id order, resuming where the last run stopped, wrapping
 * around at the end) and makes at most {@value #MAX_CHANGES} changes (deletions and warnings) to app
 * passwords, so a run's cost is bounded whatever the number of users. Deletion goes through the user's
 * credential manager, which keeps the caches right and lets the REMOVE_CREDENTIAL event say why. Credentials
 * of federated users (stored beside an LDAP user) are not in this table and are not cleaned up; they are
 * refused at login all the same.
 */
public class ExpiredAppPasswordCleanup implements Runnable {

    public static final String TASK_NAME = "app-password-expired-cleanup";
    static final int PAGE = 500;
    static final int MAX_CHANGES = 100;

    private static final Logger LOG = Logger.getLogger(ExpiredAppPasswordCleanup.class);

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
            LOG.warnf(e, "clean-up of app passwords failed; retrying in %d s", intervalSeconds);
        }
    }

    /** One bounded pass; returns how many app passwords it deleted or warned of. */
    int runOnce(KeycloakSession session) {
        List<Object[]> rows = page(session, AppPasswordCredentialModel.TYPE, cursor);
        long now = Time.currentTimeMillis();
        Map<String, AppPasswordPolicy> policies = new HashMap<>();
        int changed = 0;
        String handled = cursor;
        for (Object[] row : rows) {
            if (changed == MAX_CHANGES) {
                break;
            }
            if (handle(session, row, now, policies)) {
                changed++;
            }
            handled = (String) row[0];
        }
        boolean wholePage = !rows.isEmpty() && handled.equals(rows.get(rows.size() - 1)[0]);
        cursor = wholePage && rows.size() < PAGE || rows.isEmpty() ? "" : handled;
        if (changed > 0) {
            LOG.debugf("deleted or warned of %d app passwords", changed);
        }
        return changed;
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
        Set<String> live = records.isEmpty() ? Set.of() : new HashSet<>(KeycloakJpa.entityManager(session).createQuery(
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
            if (policy.remembers(data.endedAt, now) && data.endedAt != null) {
                continue;
            }
            session.getContext().setRealm(realm);
            UserModel user = session.users().getUserById(realm, (String) row[1]);
            if (user != null && new EndedAppPasswords(session, realm).forgetOrDate(user, (String) row[0], data, policy, now)) {
                forgotten++;
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

    /** Row: credential id, user id, realm id, credential data, created date. Returns whether it changed anything. */
    private static boolean handle(KeycloakSession session, Object[] row, long now,
                                  Map<String, AppPasswordPolicy> policies) {
        AppPasswordCredentialData data = data((String) row[3]);
        RealmModel realm = data == null ? null : session.realms().getRealm((String) row[2]);
        if (realm == null) {
            return false;
        }
        AppPasswordPolicy policy = policies.computeIfAbsent(realm.getId(), id -> RealmPolicy.of(realm));
        Long expiresAt = data.getExpiresAt();
        boolean expired = expiresAt != null && expiresAt <= now;
        long lastActivity = data.getLastUsedAt() != null ? data.getLastUsedAt() : (Long) row[4];
        Long unusedAt = expired ? null : policy.unusedRevocationAt(lastActivity);

        EndReason reason = expired && now >= policy.removableAfter(expiresAt) ? EndReason.EXPIRED
                : unusedAt != null && now >= unusedAt ? EndReason.UNUSED : null;
        boolean mail = reason == null && AppPasswordMailer.hasSmtp(realm);
        boolean warnExpiry = mail && expiresAt != null && policy.inWarningPeriod(expiresAt, now)
                && !expiresAt.equals(data.getWarnedExpiry());
        boolean warnUnused = mail && unusedAt != null && policy.inWarningPeriod(unusedAt, now)
                && !Long.valueOf(lastActivity).equals(data.getWarnedUnused());
        if (reason == null && !warnExpiry && !warnUnused) {
            return false;
        }

        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, (String) row[1]);
        AppPasswordCredentialModel credential = user == null ? null
                : AppPasswordCredentialProvider.of(session).get(user, (String) row[0]).orElse(null);
        if (credential == null) {
            return false;
        }
        if (reason != null) {
            return new AppPasswords(session, realm).end(user, credential, reason,
                    AppPasswordEvents.system(session, realm, user, null));
        }
        boolean warned = false;
        if (warnExpiry && AppPasswordMailer.expiring(session, realm, user, credential, expiresAt)) {
            credential.getData().setWarnedExpiry(expiresAt);
            warned = true;
        }
        if (warnUnused && AppPasswordMailer.unused(session, realm, user, credential, lastActivity, unusedAt)) {
            credential.getData().setWarnedUnused(lastActivity);
            warned = true;
        }
        if (warned) {
            credential.writeData();
            user.credentialManager().updateStoredCredential(credential);
        }
        return warned;
    }

    private static AppPasswordCredentialData data(String credentialData) {
        if (credentialData == null) {
            return null;
        }
        try {
            return JsonSerialization.readValue(credentialData, AppPasswordCredentialData.class);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Up to {@value #PAGE} rows of this credential type after {@code after}: id, user id, realm id, data,
     * created date.
     */
    private static List<Object[]> page(KeycloakSession session, String type, String after) {
        return KeycloakJpa.entityManager(session).createQuery(
                        "select c.id, c.user.id, c.user.realmId, c.credentialData, c.createdDate from CredentialEntity c"
                                + " where c.type = :type and c.id > :after order by c.id", Object[].class)
                .setParameter("type", type)
                .setParameter("after", after)
                .setMaxResults(PAGE)
                .getResultList();
    }
}
