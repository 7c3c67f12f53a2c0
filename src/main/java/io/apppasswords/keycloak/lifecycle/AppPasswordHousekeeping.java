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
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The realm policies' periodic work on app passwords, one scheduled task running five named steps:
 * {@link Step#EXPIRE} (expired longer ago than the grace period), {@link Step#DISCONNECT_EXPIRED} (just expired:
 * its devices' mail sessions end, while the row is kept), {@link Step#REVOKE_UNUSED} (unused for
 * {@code revokeUnusedDays}), the warnings {@code warnDaysBefore} days ahead of either ({@link Step#WARN_EXPIRY},
 * {@link Step#WARN_UNUSED}: once per app password and reason, the data remembers what was warned of, so a later
 * use or a new expiry brings a new warning), and forgetting the records of ended app passwords past their
 * realm's retention ({@link #forget}). Which steps are due is decided by {@link #due} and {@link #forget}, pure
 * functions of an app password's data, its realm's policy and the time. Runs on a timer on every node, but
 * through {@link ClusterProvider#executeIfNotExecuted} only one node works per interval.
 *
 * <p>Each run reads one page of rows of each kind ({@link CredentialRows}, id order, resuming where the last
 * run stopped, wrapping around at the end) and makes at most {@value #MAX_CHANGES} changes (deletions and
 * warnings) to app passwords, so a run's cost is bounded whatever the number of users. The app passwords that
 * just expired are read apart ({@link #justExpired}, at most {@value #MAX_CHANGES}), so that their devices are
 * disconnected within one interval of the expiry, not when the walk comes by. Ending goes through
 * {@link AppPasswords#end}, so the REMOVE_CREDENTIAL event says why; warnings are e-mailed after the run
 * commits, never holding it up. Credentials of federated users (stored beside an LDAP user) are not in this
 * table and are not cleaned up; they are refused at login all the same.
 */
public class AppPasswordHousekeeping implements Runnable {

    public static final String TASK_NAME = "app-password-housekeeping";
    static final int PAGE = 500;
    static final int MAX_CHANGES = 100;
    /**
     * How long after its expiry an app password's sessions are still ended: the first run after an upgrade, or
     * after the realm's mail servers were configured, must not disconnect every device that expired long ago.
     */
    static final Duration DISCONNECT_WITHIN = Duration.ofDays(1);

    private static final Logger LOG = Logger.getLogger(AppPasswordHousekeeping.class);

    /** The steps over app passwords, each a change the realm's policy asks for. */
    enum Step {
        /** Ends an app password expired longer ago than {@code expiredGraceDays}. */
        EXPIRE,
        /**
         * Tells the realm's mail servers ({@link MailServerSessions}) to end the sessions of an app password that
         * expired within {@link #DISCONNECT_WITHIN} and was used: once per expiry, noted in its data
         * ({@code disconnectedExpiry}); the row stays for {@code expiredGraceDays}. On a cluster the row's
         * update is the claim: only the run that commits it sends.
         */
        DISCONNECT_EXPIRED,
        /** Ends an app password not used (never used: created) for {@code revokeUnusedDays}. */
        REVOKE_UNUSED,
        /** E-mails that an app password expires within {@code warnDaysBefore}. */
        WARN_EXPIRY,
        /** E-mails that an app password will be revoked as unused within {@code warnDaysBefore}. */
        WARN_UNUSED
    }

    private final KeycloakSessionFactory factory;
    private final int intervalSeconds;
    private volatile String cursor = "";
    private volatile String historyCursor = "";

    public AppPasswordHousekeeping(KeycloakSessionFactory factory, int intervalSeconds) {
        this.factory = factory;
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public void run() {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(ClusterProvider.class)
                    .executeIfNotExecuted(TASK_NAME, intervalSeconds,
                            () -> justExpired(session) + appPasswords(session) + endedRecords(session)));
        } catch (RuntimeException e) {
            LOG.warnf(e, "housekeeping of app passwords failed; retrying in %d s", intervalSeconds);
        }
    }

    /**
     * What a realm offers the steps: its policy, whether it can send e-mail, whether it tells mail servers
     * when app passwords end.
     */
    record Reach(AppPasswordPolicy policy, boolean canMail, boolean tellsMailServers) {
    }

    /**
     * The steps due now for an app password with this data, created at {@code created}: one end
     * ({@link Step#EXPIRE} or {@link Step#REVOKE_UNUSED}), else, expired, the disconnection (only when the realm
     * {@code tellsMailServers}), else the warnings not yet given (only when the realm {@code canMail}), else none.
     */
    static Set<Step> due(AppPasswordCredentialData data, long created, Reach reach, long now) {
        AppPasswordPolicy policy = reach.policy();
        boolean canMail = reach.canMail();
        Long expiresAt = data.getExpiresAt();
        boolean expired = expiresAt != null && expiresAt <= now;
        if (expired && now >= policy.removableAfter(expiresAt)) {
            return EnumSet.of(Step.EXPIRE);
        }
        if (expired) {
            boolean disconnect = reach.tellsMailServers() && data.getLastUsedAt() != null
                    && now - expiresAt <= DISCONNECT_WITHIN.toMillis() && !expiresAt.equals(data.getDisconnectedExpiry());
            return disconnect ? EnumSet.of(Step.DISCONNECT_EXPIRED) : EnumSet.noneOf(Step.class);
        }
        long lastActivity = lastActivity(data, created);
        Long unusedAt = policy.unusedRevocationAt(lastActivity);
        if (unusedAt != null && now >= unusedAt) {
            return EnumSet.of(Step.REVOKE_UNUSED);
        }
        Set<Step> steps = EnumSet.noneOf(Step.class);
        if (canMail && expiresAt != null && policy.inWarningPeriod(expiresAt, now)
                && !expiresAt.equals(data.getWarnedExpiry())) {
            steps.add(Step.WARN_EXPIRY);
        }
        if (canMail && unusedAt != null && policy.inWarningPeriod(unusedAt, now)
                && !Long.valueOf(lastActivity).equals(data.getWarnedUnused())) {
            steps.add(Step.WARN_UNUSED);
        }
        return steps;
    }

    /**
     * The step over records: whether the record of an ended app password is to be forgotten now; one not
     * yet dated (its app password was removed by a way without an event) is dated instead, see
     * {@link EndedAppPasswords#forgetOrDate}.
     */
    static boolean forget(AppPasswordHistory.Data record, AppPasswordPolicy policy, long now) {
        return !policy.remembers(record.endedAt, now);
    }

    /**
     * The used app passwords that expired within {@link #DISCONNECT_WITHIN} and are not yet disconnected, in the
     * realms that tell mail servers, read by a query of their own so that {@link Step#DISCONNECT_EXPIRED} reaches
     * each at the first run after its expiry, wherever the walk of {@link #appPasswords} stands; returns how many
     * it changed. Without such a realm it reads nothing.
     */
    int justExpired(KeycloakSession session) {
        Map<String, Reach> reaches = new HashMap<>();
        session.realms().getRealmsStream().filter(realm -> RealmPolicy.doveadm(realm).enabled())
                .forEach(realm -> reaches.put(realm.getId(), reach(realm)));
        if (reaches.isEmpty()) {
            return 0;
        }
        long now = Time.currentTimeMillis();
        int changed = 0;
        for (CredentialRows.Row row : CredentialRows.expiredNotDisconnected(session, reaches.keySet(),
                now - DISCONNECT_WITHIN.toMillis(), now, MAX_CHANGES)) {
            if (handle(session, row, now, reaches)) {
                changed++;
            }
        }
        if (changed > 0) {
            LOG.debugf("had the sessions of %d expired app passwords ended", changed);
        }
        return changed;
    }

    /** One bounded pass over app passwords: expire, disconnect, revoke unused, warn; returns how many it changed. */
    int appPasswords(KeycloakSession session) {
        List<CredentialRows.Row> rows = CredentialRows.page(session, AppPasswordCredentialModel.TYPE, cursor, PAGE);
        long now = Time.currentTimeMillis();
        Map<String, Reach> reaches = new HashMap<>();
        int changed = 0;
        String handled = cursor;
        for (CredentialRows.Row row : rows) {
            if (changed == MAX_CHANGES) {
                break;
            }
            if (handle(session, row, now, reaches)) {
                changed++;
            }
            handled = row.id();
        }
        boolean wholePage = !rows.isEmpty() && handled.equals(rows.get(rows.size() - 1).id());
        cursor = wholePage && rows.size() < PAGE || rows.isEmpty() ? "" : handled;
        if (changed > 0) {
            LOG.debugf("ended, disconnected or warned of %d app passwords", changed);
        }
        return changed;
    }

    /** One bounded pass over the records of ended app passwords: {@link #forget}; returns how many it forgot. */
    int endedRecords(KeycloakSession session) {
        List<CredentialRows.Row> rows = CredentialRows.page(session, AppPasswordHistory.TYPE, historyCursor, PAGE);
        historyCursor = rows.size() < PAGE ? "" : rows.get(rows.size() - 1).id();
        Map<String, AppPasswordHistory.Data> records = new HashMap<>();
        for (CredentialRows.Row row : rows) {
            AppPasswordHistory.Data data = read(row.data(), AppPasswordHistory.Data.class);
            if (data != null && data.appPasswordId != null) {
                records.put(row.id(), data);
            }
        }
        Set<String> live = CredentialRows.existing(session, records.values().stream().map(d -> d.appPasswordId).toList());
        long now = Time.currentTimeMillis();
        Map<String, AppPasswordPolicy> policies = new HashMap<>();
        int forgotten = 0;
        for (CredentialRows.Row row : rows) {
            AppPasswordHistory.Data data = records.get(row.id());
            RealmModel realm = data == null || live.contains(data.appPasswordId) ? null
                    : session.realms().getRealm(row.realmId());
            if (realm == null) {
                continue;
            }
            AppPasswordPolicy policy = policies.computeIfAbsent(realm.getId(), id -> RealmPolicy.of(realm));
            if (!forget(data, policy, now) && data.endedAt != null) {
                continue;
            }
            session.getContext().setRealm(realm);
            UserModel user = session.users().getUserById(realm, row.userId());
            if (user != null && new EndedAppPasswords(session, realm).forgetOrDate(user, row.id(), data, policy, now)) {
                forgotten++;
            }
        }
        if (forgotten > 0) {
            LOG.debugf("forgot %d ended app passwords past their retention", forgotten);
        }
        return forgotten;
    }

    /** Runs the steps due for one app password; returns whether it changed anything. */
    private static boolean handle(KeycloakSession session, CredentialRows.Row row, long now,
                                  Map<String, Reach> reaches) {
        AppPasswordCredentialData data = read(row.data(), AppPasswordCredentialData.class);
        RealmModel realm = data == null ? null : session.realms().getRealm(row.realmId());
        if (realm == null) {
            return false;
        }
        Reach reach = reaches.computeIfAbsent(realm.getId(), id -> reach(realm));
        Set<Step> steps = due(data, row.created(), reach, now);
        if (steps.isEmpty()) {
            return false;
        }
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, row.userId());
        AppPasswordCredentialModel credential = user == null ? null
                : AppPasswordCredentialProvider.of(session).get(user, row.id()).orElse(null);
        if (credential == null) {
            return false;
        }
        if (steps.contains(Step.EXPIRE)) {
            return end(session, realm, user, credential, EndReason.EXPIRED);
        }
        if (steps.contains(Step.REVOKE_UNUSED)) {
            return end(session, realm, user, credential, EndReason.UNUSED);
        }
        if (steps.contains(Step.DISCONNECT_EXPIRED)) {
            return disconnect(session, realm, user, credential);
        }
        return warn(session, realm, user, credential, steps, reach.policy());
    }

    /** {@link Step#EXPIRE} and {@link Step#REVOKE_UNUSED}. */
    private static boolean end(KeycloakSession session, RealmModel realm, UserModel user,
                               AppPasswordCredentialModel credential, EndReason reason) {
        return new AppPasswords(session, realm).end(user, credential, reason,
                AppPasswordEvents.system(session, realm, user, null));
    }

    /**
     * {@link Step#DISCONNECT_EXPIRED}: notes the expiry in the app password's data and has the mail servers told
     * once the run commits, as for a revocation of that app password (nothing is sent if the run rolls back).
     */
    private static boolean disconnect(KeycloakSession session, RealmModel realm, UserModel user,
                                      AppPasswordCredentialModel credential) {
        AppPasswordCredentialData data = credential.getData();
        if (data.getExpiresAt() == null || data.getExpiresAt().equals(data.getDisconnectedExpiry())) {
            return false; // the row as read by the page was older than the credential
        }
        data.setDisconnectedExpiry(data.getExpiresAt());
        credential.writeData();
        user.credentialManager().updateStoredCredential(credential);
        MailServerSessions.ended(session, realm, user, credential.getId(), data.getLastUsedIp());
        return true;
    }

    /**
     * {@link Step#WARN_EXPIRY} and {@link Step#WARN_UNUSED}: notes in the app password's data what it was
     * warned of and has the e-mails sent once the run commits.
     */
    private static boolean warn(KeycloakSession session, RealmModel realm, UserModel user,
                                AppPasswordCredentialModel credential, Set<Step> steps, AppPasswordPolicy policy) {
        if (!AppPasswordMailer.canMail(realm, user)) {
            return false;
        }
        AppPasswordCredentialData data = credential.getData();
        if (steps.contains(Step.WARN_EXPIRY)) {
            AppPasswordMailer.expiring(session, realm, user, credential, data.getExpiresAt());
            data.setWarnedExpiry(data.getExpiresAt());
        }
        if (steps.contains(Step.WARN_UNUSED)) {
            long lastActivity = lastActivity(data, credential.getCreatedDate());
            AppPasswordMailer.unused(session, realm, user, credential, lastActivity,
                    policy.unusedRevocationAt(lastActivity));
            data.setWarnedUnused(lastActivity);
        }
        credential.writeData();
        user.credentialManager().updateStoredCredential(credential);
        return true;
    }

    private static Reach reach(RealmModel realm) {
        return new Reach(RealmPolicy.of(realm), AppPasswordMailer.hasSmtp(realm), RealmPolicy.doveadm(realm).enabled());
    }

    /** When it was last used, or, never used, created. */
    private static long lastActivity(AppPasswordCredentialData data, Long created) {
        return data.getLastUsedAt() != null ? data.getLastUsedAt() : created == null ? 0 : created;
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return json == null ? null : JsonSerialization.readValue(json, type);
        } catch (IOException e) {
            return null;
        }
    }
}
