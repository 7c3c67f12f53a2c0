package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.DisplayTime;
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
 * mints one does not go unnoticed, and that a device still signs in with one that has ended, so they know
 * which device to update. Sent only when the realm has SMTP set up and the user has an address; a failure
 * to send never fails the request.
 */
public final class AppPasswordMailer {

    static final String TEMPLATE = "app-password-created.ftl";
    static final String SUBJECT = "appPasswordEmailSubject";
    static final String ENDED_TEMPLATE = "app-password-ended-used.ftl";
    static final String ENDED_SUBJECT = "appPasswordEndedEmailSubject";

    private static final Logger LOG = Logger.getLogger(AppPasswordMailer.class);

    private AppPasswordMailer() {
    }

    static boolean canMail(RealmModel realm, UserModel user) {
        return realm.getSmtpConfig() != null && !realm.getSmtpConfig().isEmpty()
                && user.getEmail() != null && !user.getEmail().isBlank();
    }

    static void created(KeycloakSession session, RealmModel realm, UserModel user,
                               AppPasswordCredentialModel credential, String clientId) {
        if (!canMail(realm, user)) {
            return;
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("appPasswordName", credential.getUserLabel());
        // The language Keycloak's e-mail provider picks for this user, so the time reads like the text around it.
        attributes.put("appPasswordCreatedAt",
                DisplayTime.format(credential.getCreatedDate(), session.getContext().resolveLocale(user)));
        attributes.put("appPasswordIp", session.getContext().getConnection().getRemoteAddr());
        attributes.put("appPasswordClient", clientId == null ? "-" : clientId);
        send(session, realm, user, SUBJECT, credential.getUserLabel(), TEMPLATE, attributes);
    }

    /** "Your app password 'X' was used at … from … through … after it was deleted on …". */
    static void endedUsed(KeycloakSession session, RealmModel realm, UserModel user, AppPasswords.Ended ended,
                          long usedAt, String ip, String clientId) {
        Locale locale = session.getContext().resolveLocale(user);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("appPasswordName", ended.name() == null ? "-" : ended.name());
        attributes.put("appPasswordUsedAt", DisplayTime.format(usedAt, locale));
        attributes.put("appPasswordIp", ip == null ? "-" : ip);
        attributes.put("appPasswordClient", clientId == null ? "-" : clientId);
        attributes.put("appPasswordEndedReason", "appPasswordEnded_" + ended.reason().name());
        if (ended.endedAt() != null) {
            attributes.put("appPasswordEndedAt", DisplayTime.format(ended.endedAt(), locale));
        }
        send(session, realm, user, ENDED_SUBJECT, String.valueOf(attributes.get("appPasswordName")), ENDED_TEMPLATE,
                attributes);
    }

    private static void send(KeycloakSession session, RealmModel realm, UserModel user, String subject, String name,
                             String template, Map<String, Object> attributes) {
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send(subject, List.of(name), template, attributes);
        } catch (EmailException e) {
            LOG.warnf("could not send the %s notice for user %s: %s", template, user.getId(), e.getMessage());
        }
    }
}
