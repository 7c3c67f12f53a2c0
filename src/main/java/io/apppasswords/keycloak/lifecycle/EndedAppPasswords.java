package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordHistory;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.policy.RealmPolicy;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * App passwords after their end: a device that still presents one is a stale device, not a guess. The
 * records come from {@link AppPasswords} (written at creation, marked when one ends); this class decides
 * what a presented value is and tells the user once a day.
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
     * E-mails the user that a device still uses an ended app password, at most once a day per app password
     * (across the cluster, through Keycloak's single-use store), when the realm can send mail. Sent from a
     * thread of its own: the refusal a mail app gets neither waits for the mail server (up to Keycloak's SMTP
     * timeout when it hangs) nor takes longer the first time than the next.
     */
    public void used(UserModel user, Ended ended, String ip, String clientId) {
        if (!AppPasswordMailer.canMail(realm, user)
                || !session.singleUseObjects().putIfAbsent(MAIL_KEY + ended.appPasswordId(), MAIL_SECONDS)) {
            return;
        }
        long usedAt = Time.currentTimeMillis();
        AppPasswordMailer.later(session, realm, user, "ended-app-password",
                (background, realmNow, userNow) -> AppPasswordMailer.endedUsed(background, realmNow, userNow, ended,
                        usedAt, ip, clientId));
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
