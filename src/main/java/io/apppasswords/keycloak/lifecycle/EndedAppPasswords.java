package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordHistory;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.policy.RealmPolicy;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * What "ended" means, in one place: a device that still presents an app password after its end is a stale
 * device, not a guess. This class keeps the record that outlives an app password ({@link AppPasswordHistory}:
 * written at creation, dated by every end path, forgotten after the policy's retention), classifies a
 * presented value, writes the refusal's event, and tells the user once a day. What it does not own is the
 * flow's answer: the login step refuses without counting.
 */
public final class EndedAppPasswords {

    private static final String MAIL_KEY = "app-password-ended-mail:";
    private static final long MAIL_SECONDS = 24 * 60 * 60;

    private final KeycloakSession session;
    private final RealmModel realm;

    public EndedAppPasswords(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** An app password that has ended, as a login that still presents it is told about it. */
    public record Ended(String appPasswordId, String name, EndReason reason, Long endedAt) {
    }

    /**
     * What a presented value is for this login: {@code usable} (an app password that may sign in, client
     * permitting), {@code ended} (one the policy still remembers as ended: refuse it without counting a
     * guess), or neither (a wrong value, which counts).
     */
    public record Presented(AppPasswordCredentialModel usable, Ended ended) {
    }

    /**
     * The one rule for which app passwords count as ended: expired, older than the password (ended here and
     * now, see {@link AppPasswords#endIfPredatesPassword}) or recorded as ended, within the policy's retention.
     *
     * @param event for the REMOVE_CREDENTIAL of an app password this login finds older than the password
     */
    public Presented classify(UserModel user, AppPasswordCredentialProvider.Recognised recognised, EventBuilder event) {
        AppPasswordPolicy policy = RealmPolicy.of(realm);
        long now = Time.currentTimeMillis();
        Ended ended = null;
        if (recognised.live().isPresent()) {
            AppPasswordCredentialModel credential = recognised.live().get();
            if (credential.isExpired(now)) {
                ended = new Ended(credential.getId(), credential.getUserLabel(), EndReason.EXPIRED,
                        credential.getData().getExpiresAt());
            } else if (new AppPasswords(session, realm).endIfPredatesPassword(user, credential, event)) {
                ended = new Ended(credential.getId(), credential.getUserLabel(), EndReason.PASSWORD_CHANGED, now);
            } else {
                return new Presented(credential, null);
            }
        } else if (recognised.remembered().isPresent()) {
            AppPasswordHistory history = recognised.remembered().get();
            ended = new Ended(history.appPasswordId(), history.name(), EndReason.of(history.reason()), history.endedAt());
        }
        return new Presented(null, ended != null && policy.remembers(ended.endedAt(), now) ? ended : null);
    }

    /**
     * A login presented {@code ended}: its LOGIN_ERROR says which app password and why it ended (the
     * {@link EndReason} text, as its REMOVE_CREDENTIAL did; the caller sets the refusal's code as error); the
     * user is told ({@link #used}). The caller answers as to a wrong value, without counting it.
     */
    public void refused(EventBuilder event, UserModel user, Ended ended, String ip, String clientId) {
        event.detail(Details.CREDENTIAL_ID, ended.appPasswordId())
                .detail(AppPasswordDetails.APP_PASSWORD_NAME, ended.name())
                .detail(Details.REASON, ended.reason().text());
        used(user, ended, ip, clientId);
    }

    /**
     * E-mails the user that a device still uses an ended app password, at most once a day per app password
     * (across the cluster, through Keycloak's single-use store), when the realm can send mail. Sent from a
     * thread of its own: the refusal a mail app gets neither waits for the mail server (up to Keycloak's SMTP
     * timeout when it hangs) nor takes longer the first time than the next.
     */
    void used(UserModel user, Ended ended, String ip, String clientId) {
        if (AppPasswordMailer.canMail(realm, user)
                && session.singleUseObjects().putIfAbsent(MAIL_KEY + ended.appPasswordId(), MAIL_SECONDS)) {
            AppPasswordMailer.endedUsed(session, realm, user, ended, Time.currentTimeMillis(), ip, clientId);
        }
    }

    /**
     * Writes the record of a new app password, when the policy remembers ended ones, and forgets the oldest
     * records of ended ones beyond {@link AppPasswordPolicy#MAX_REMEMBERED_PER_USER}.
     */
    static void remember(UserModel user, CredentialModel created, AppPasswordPolicy policy) {
        if (policy.remembersEnded()) {
            AppPasswordHistory.remember(user, created);
            AppPasswordHistory.keepNewestEnded(user, AppPasswordPolicy.MAX_REMEMBERED_PER_USER);
        }
    }

    /**
     * Dates the record of an app password this extension just deleted, when the policy remembers ended ones:
     * an expired one ended when it expired (as a login that finds it before the clean-up sees it).
     */
    void ended(UserModel user, AppPasswordCredentialModel credential, EndReason reason) {
        if (RealmPolicy.of(realm).remembersEnded()) {
            Long expiresAt = credential.getData().getExpiresAt();
            long endedAt = reason == EndReason.EXPIRED && expiresAt != null ? expiresAt : Time.currentTimeMillis();
            AppPasswordHistory.ended(user, credential, endedAt, reason.name());
        }
    }

    /**
     * The clean-up's look at one record whose app password is gone: forgets it past the policy's retention
     * (at once when it is 0); dates one whose app password a way without an event removed
     * ({@link EndReason#DELETED}), so that its retention runs too. Returns whether it forgot it.
     */
    boolean forgetOrDate(UserModel user, String recordId, AppPasswordHistory.Data record, AppPasswordPolicy policy,
                         long now) {
        if (!policy.remembers(record.endedAt, now)) {
            user.credentialManager().removeStoredCredentialById(recordId);
            return true;
        }
        if (record.endedAt == null) {
            AppPasswordHistory.find(user, record.appPasswordId)
                    .ifPresent(h -> h.markEnded(user, now, EndReason.DELETED.name()));
        }
        return false;
    }

    /**
     * Keycloak's own account or admin console deleted an app password (it reports that only afterwards):
     * its record, written at creation, notes when and why.
     */
    public void deletedByKeycloak(UserModel user, String appPasswordId, EndReason reason) {
        if (appPasswordId != null && AppPasswordCredentialProvider.of(session).get(user, appPasswordId).isEmpty()) {
            AppPasswordHistory.find(user, appPasswordId)
                    .ifPresent(h -> h.markEnded(user, Time.currentTimeMillis(), reason.name()));
        }
    }
}
