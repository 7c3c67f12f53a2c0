package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tells the user by e-mail that an app password was created on their account, so a phished session that
 * mints one does not go unnoticed; that a device still signs in with one that has ended, so they know which
 * device to update; and, ahead of time, that one expires or is revoked as unused. Sent only when the realm
 * has SMTP set up and the user has an address, with times in the user's language (the one Keycloak's e-mail
 * provider picks); a failure to send never fails what caused it.
 */
public final class AppPasswordMailer {

    static final String TEMPLATE = "app-password-created.ftl";
    static final String SUBJECT = "appPasswordEmailSubject";
    static final String ENDED_TEMPLATE = "app-password-ended-used.ftl";
    static final String ENDED_SUBJECT = "appPasswordEndedEmailSubject";
    static final String EXPIRING_TEMPLATE = "app-password-expiring.ftl";
    static final String EXPIRING_SUBJECT = "appPasswordExpiringEmailSubject";
    static final String UNUSED_TEMPLATE = "app-password-unused.ftl";
    static final String UNUSED_SUBJECT = "appPasswordUnusedEmailSubject";

    private static final Logger LOG = Logger.getLogger(AppPasswordMailer.class);

    private AppPasswordMailer() {
    }

    /** Whether the realm can send e-mail at all; the clean-up skips warnings without it. */
    static boolean hasSmtp(RealmModel realm) {
        return realm.getSmtpConfig() != null && !realm.getSmtpConfig().isEmpty();
    }

    static boolean canMail(RealmModel realm, UserModel user) {
        return hasSmtp(realm) && user.getEmail() != null && !user.getEmail().isBlank();
    }

    static void created(KeycloakSession session, RealmModel realm, UserModel user,
                        AppPasswordCredentialModel credential, String clientId) {
        if (!canMail(realm, user)) {
            return;
        }
        Map<String, Object> attributes = attributes(session, user, credential);
        attributes.put("appPasswordIp", session.getContext().getConnection().getRemoteAddr());
        attributes.put("appPasswordClient", clientId == null ? "-" : clientId);
        send(session, realm, user, SUBJECT, credential.getUserLabel(), TEMPLATE, attributes);
    }

    /** "Your app password 'X' was used at … from … through … after it was deleted on …". */
    static void endedUsed(KeycloakSession session, RealmModel realm, UserModel user, EndedAppPasswords.Ended ended,
                          long usedAt, String ip, String clientId) {
        Locale locale = session.getContext().resolveLocale(user);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("appPasswordName", ended.name() == null ? "-" : ended.name());
        attributes.put("appPasswordUsedAt", DisplayTime.format(usedAt, locale));
        attributes.put("appPasswordIp", ip == null ? "-" : ip);
        attributes.put("appPasswordClient", clientId == null ? "-" : clientId);
        attributes.put("appPasswordEndedReason", ended.reason().messageKey());
        if (ended.endedAt() != null) {
            attributes.put("appPasswordEndedAt", DisplayTime.format(ended.endedAt(), locale));
        }
        send(session, realm, user, ENDED_SUBJECT, String.valueOf(attributes.get("appPasswordName")), ENDED_TEMPLATE,
                attributes);
    }

    /** Warns that {@code credential} expires at {@code expiresAt}; returns whether the mail went out. */
    static boolean expiring(KeycloakSession session, RealmModel realm, UserModel user,
                            AppPasswordCredentialModel credential, long expiresAt) {
        if (!canMail(realm, user)) {
            return false;
        }
        Map<String, Object> attributes = attributes(session, user, credential);
        attributes.put("appPasswordExpiresAt", DisplayTime.format(expiresAt, session.getContext().resolveLocale(user)));
        return send(session, realm, user, EXPIRING_SUBJECT, credential.getUserLabel(), EXPIRING_TEMPLATE, attributes);
    }

    /**
     * Warns that {@code credential}, last used (or created) at {@code lastActivity}, will be revoked as unused
     * at {@code revokedAt}; returns whether the mail went out.
     */
    static boolean unused(KeycloakSession session, RealmModel realm, UserModel user,
                          AppPasswordCredentialModel credential, long lastActivity, long revokedAt) {
        if (!canMail(realm, user)) {
            return false;
        }
        Locale locale = session.getContext().resolveLocale(user);
        Map<String, Object> attributes = attributes(session, user, credential);
        attributes.put("appPasswordLastActivity", DisplayTime.format(lastActivity, locale));
        attributes.put("appPasswordNeverUsed", credential.getData().getLastUsedAt() == null);
        attributes.put("appPasswordRevokedAt", DisplayTime.format(revokedAt, locale));
        return send(session, realm, user, UNUSED_SUBJECT, credential.getUserLabel(), UNUSED_TEMPLATE, attributes);
    }

    private static Map<String, Object> attributes(KeycloakSession session, UserModel user,
                                                  AppPasswordCredentialModel credential) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("appPasswordName", credential.getUserLabel());
        attributes.put("appPasswordCreatedAt",
                DisplayTime.format(credential.getCreatedDate(), session.getContext().resolveLocale(user)));
        return attributes;
    }

    private static boolean send(KeycloakSession session, RealmModel realm, UserModel user, String subject, String name,
                                String template, Map<String, Object> attributes) {
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send(subject, List.of(name), template, attributes);
            return true;
        } catch (EmailException e) {
            LOG.warnf("could not send the %s notice for user %s: %s", template, user.getId(), e.getMessage());
            return false;
        }
    }
}
