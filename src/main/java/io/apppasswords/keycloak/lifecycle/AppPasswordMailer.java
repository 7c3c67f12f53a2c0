package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

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
 *
 * <p>Every mail is written and sent from a pool thread of Keycloak's executors, in a session of its own,
 * after the transaction that caused it has committed (the ended-app-password notice at once: its login is
 * refused whatever happens): a mail server that hangs holds up no page, no API answer, no refusal and no
 * clean-up run, for Keycloak's SMTP timeout or longer.
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
    /** The name of the pool of Keycloak's executors provider these mails are sent from. */
    private static final String MAIL_EXECUTOR = "app-password-mail";

    private static final Logger LOG = Logger.getLogger(AppPasswordMailer.class);

    private AppPasswordMailer() {
    }

    /** A mail about one app password, written in the sending session: its subject, template and attributes. */
    private record Letter(String subject, String name, String template, Map<String, Object> attributes) {
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
        String ip = session.getContext().getConnection().getRemoteAddr();
        sendAfterCommit(session, realm, user, locale -> {
            Map<String, Object> attributes = attributes(credential, locale);
            attributes.put("appPasswordIp", ip);
            attributes.put("appPasswordClient", clientId == null ? "-" : clientId);
            return new Letter(SUBJECT, credential.getUserLabel(), TEMPLATE, attributes);
        });
    }

    /** "Your app password 'X' was used at … from … through … after it was deleted on …"; sent at once. */
    static void endedUsed(KeycloakSession session, RealmModel realm, UserModel user, EndedAppPasswords.Ended ended,
                          long usedAt, String ip, String clientId) {
        submit(session, realm, user, locale -> {
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("appPasswordName", ended.name() == null ? "-" : ended.name());
            attributes.put("appPasswordUsedAt", DisplayTime.format(usedAt, locale));
            attributes.put("appPasswordIp", ip == null ? "-" : ip);
            attributes.put("appPasswordClient", clientId == null ? "-" : clientId);
            attributes.put("appPasswordEndedReason", ended.reason().messageKey());
            if (ended.endedAt() != null) {
                attributes.put("appPasswordEndedAt", DisplayTime.format(ended.endedAt(), locale));
            }
            return new Letter(ENDED_SUBJECT, String.valueOf(attributes.get("appPasswordName")), ENDED_TEMPLATE,
                    attributes);
        });
    }

    /** Warns that {@code credential} expires at {@code expiresAt}, once the caller's transaction commits. */
    static void expiring(KeycloakSession session, RealmModel realm, UserModel user,
                         AppPasswordCredentialModel credential, long expiresAt) {
        sendAfterCommit(session, realm, user, locale -> {
            Map<String, Object> attributes = attributes(credential, locale);
            attributes.put("appPasswordExpiresAt", DisplayTime.format(expiresAt, locale));
            return new Letter(EXPIRING_SUBJECT, credential.getUserLabel(), EXPIRING_TEMPLATE, attributes);
        });
    }

    /**
     * Warns that {@code credential}, last used (or created) at {@code lastActivity}, will be revoked as unused
     * at {@code revokedAt}, once the caller's transaction commits.
     */
    static void unused(KeycloakSession session, RealmModel realm, UserModel user,
                       AppPasswordCredentialModel credential, long lastActivity, long revokedAt) {
        boolean neverUsed = credential.getData().getLastUsedAt() == null;
        sendAfterCommit(session, realm, user, locale -> {
            Map<String, Object> attributes = attributes(credential, locale);
            attributes.put("appPasswordLastActivity", DisplayTime.format(lastActivity, locale));
            attributes.put("appPasswordNeverUsed", neverUsed);
            attributes.put("appPasswordRevokedAt", DisplayTime.format(revokedAt, locale));
            return new Letter(UNUSED_SUBJECT, credential.getUserLabel(), UNUSED_TEMPLATE, attributes);
        });
    }

    private static Map<String, Object> attributes(AppPasswordCredentialModel credential, Locale locale) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("appPasswordName", credential.getUserLabel());
        attributes.put("appPasswordCreatedAt", DisplayTime.format(credential.getCreatedDate(), locale));
        return attributes;
    }

    /** Writes a letter on the sending thread, in the user's language as its session resolves it. */
    private interface Writer {
        Letter write(Locale locale);
    }

    /** {@link #submit} once the caller's transaction has committed; nothing if it rolls back. */
    private static void sendAfterCommit(KeycloakSession session, RealmModel realm, UserModel user, Writer writer) {
        if (!canMail(realm, user)) {
            return;
        }
        KeycloakTransactionManager transaction = session.getTransactionManager();
        if (!transaction.isActive()) {
            submit(session, realm, user, writer);
            return;
        }
        transaction.enlistAfterCompletion(new KeycloakTransaction() {
            private boolean rollbackOnly;

            @Override
            public void begin() {
            }

            @Override
            public void commit() {
                submit(session, realm, user, writer);
            }

            @Override
            public void rollback() {
            }

            @Override
            public void setRollbackOnly() {
                rollbackOnly = true;
            }

            @Override
            public boolean getRollbackOnly() {
                return rollbackOnly;
            }

            @Override
            public boolean isActive() {
                return true;
            }
        });
    }

    /** Hands the mail to a pool thread, which reads the realm and user afresh and sends it. */
    private static void submit(KeycloakSession session, RealmModel realm, UserModel user, Writer writer) {
        if (!canMail(realm, user)) {
            return;
        }
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String realmId = realm.getId();
        String userId = user.getId();
        session.getProvider(ExecutorsProvider.class).getExecutor(MAIL_EXECUTOR).execute(() -> {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, background -> {
                    RealmModel realmNow = background.realms().getRealm(realmId);
                    UserModel userNow = realmNow == null ? null : background.users().getUserById(realmNow, userId);
                    if (userNow == null) {
                        return;
                    }
                    background.getContext().setRealm(realmNow);
                    Letter letter = writer.write(background.getContext().resolveLocale(userNow));
                    send(background, realmNow, userNow, letter);
                });
            } catch (RuntimeException e) {
                LOG.warnf("could not send an app-password notice to user %s: %s", userId, e.toString());
            }
        });
    }

    private static void send(KeycloakSession session, RealmModel realm, UserModel user, Letter letter) {
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send(letter.subject(), List.of(letter.name()), letter.template(), letter.attributes());
        } catch (EmailException e) {
            LOG.warnf("could not send the %s notice for user %s: %s", letter.template(), user.getId(), e.getMessage());
        }
    }
}
