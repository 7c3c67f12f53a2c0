package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells the user by e-mail that an app password was created on their account, so a phished session that
 * mints one does not go unnoticed, and warns before one expires or is revoked as unused. Sent only when the
 * realm has SMTP set up and the user has an address, in the user's language; a failure to send never fails
 * what caused it.
 */
public final class AppPasswordMailer {

    static final String TEMPLATE = "app-password-created.ftl";
    static final String SUBJECT = "appPasswordEmailSubject";
    static final String EXPIRING_TEMPLATE = "app-password-expiring.ftl";
    static final String EXPIRING_SUBJECT = "appPasswordExpiringEmailSubject";
    static final String UNUSED_TEMPLATE = "app-password-unused.ftl";
    static final String UNUSED_SUBJECT = "appPasswordUnusedEmailSubject";

    private static final Logger LOG = Logger.getLogger(AppPasswordMailer.class);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private AppPasswordMailer() {
    }

    static void created(KeycloakSession session, RealmModel realm, UserModel user,
                               AppPasswordCredentialModel credential, String clientId) {
        if (!hasSmtp(realm) || !hasAddress(user)) {
            return;
        }
        Map<String, Object> attributes = attributes(credential);
        attributes.put("appPasswordIp", session.getContext().getConnection().getRemoteAddr());
        attributes.put("appPasswordClient", clientId == null ? "-" : clientId);
        send(session, realm, user, SUBJECT, credential, TEMPLATE, attributes);
    }

    /** Whether the realm can send e-mail at all; the clean-up skips warnings without it. */
    static boolean hasSmtp(RealmModel realm) {
        return realm.getSmtpConfig() != null && !realm.getSmtpConfig().isEmpty();
    }

    /** Warns that {@code credential} expires at {@code expiresAt}; returns whether the mail went out. */
    static boolean expiring(KeycloakSession session, RealmModel realm, UserModel user,
                            AppPasswordCredentialModel credential, long expiresAt) {
        Map<String, Object> attributes = attributes(credential);
        attributes.put("appPasswordExpiresAt", TIME.format(Instant.ofEpochMilli(expiresAt)));
        return hasSmtp(realm) && hasAddress(user)
                && send(session, realm, user, EXPIRING_SUBJECT, credential, EXPIRING_TEMPLATE, attributes);
    }

    /**
     * Warns that {@code credential}, last used (or created) at {@code lastActivity}, will be revoked as unused
     * at {@code revokedAt}; returns whether the mail went out.
     */
    static boolean unused(KeycloakSession session, RealmModel realm, UserModel user,
                          AppPasswordCredentialModel credential, long lastActivity, long revokedAt) {
        Map<String, Object> attributes = attributes(credential);
        attributes.put("appPasswordLastActivity", TIME.format(Instant.ofEpochMilli(lastActivity)));
        attributes.put("appPasswordNeverUsed", credential.getData().getLastUsedAt() == null);
        attributes.put("appPasswordRevokedAt", TIME.format(Instant.ofEpochMilli(revokedAt)));
        return hasSmtp(realm) && hasAddress(user)
                && send(session, realm, user, UNUSED_SUBJECT, credential, UNUSED_TEMPLATE, attributes);
    }

    private static boolean hasAddress(UserModel user) {
        return user.getEmail() != null && !user.getEmail().isBlank();
    }

    private static Map<String, Object> attributes(AppPasswordCredentialModel credential) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("appPasswordName", credential.getUserLabel());
        attributes.put("appPasswordCreatedAt", TIME.format(Instant.ofEpochMilli(credential.getCreatedDate())));
        return attributes;
    }

    private static boolean send(KeycloakSession session, RealmModel realm, UserModel user, String subject,
                                AppPasswordCredentialModel credential, String template, Map<String, Object> attributes) {
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send(subject, List.of(credential.getUserLabel()), template, attributes);
            return true;
        } catch (EmailException e) {
            LOG.warnf("could not send %s for user %s: %s", template, user.getId(), e.getMessage());
            return false;
        }
    }
}
