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
import java.util.Map;

/**
 * Tells the user by e-mail that an app password was created on their account, so a phished session that
 * mints one does not go unnoticed. Sent only when the realm has SMTP set up and the user has an address;
 * a failure to send never fails the creation.
 */
public final class AppPasswordMailer {

    static final String TEMPLATE = "app-password-created.ftl";
    static final String SUBJECT = "appPasswordEmailSubject";

    private static final Logger LOG = Logger.getLogger(AppPasswordMailer.class);

    private AppPasswordMailer() {
    }

    static void created(KeycloakSession session, RealmModel realm, UserModel user,
                               AppPasswordCredentialModel credential, String clientId) {
        if (realm.getSmtpConfig() == null || realm.getSmtpConfig().isEmpty()
                || user.getEmail() == null || user.getEmail().isBlank()) {
            return;
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("appPasswordName", credential.getUserLabel());
        // The language Keycloak's e-mail provider picks for this user, so the time reads like the text around it.
        attributes.put("appPasswordCreatedAt",
                DisplayTime.format(credential.getCreatedDate(), session.getContext().resolveLocale(user)));
        attributes.put("appPasswordIp", session.getContext().getConnection().getRemoteAddr());
        attributes.put("appPasswordClient", clientId == null ? "-" : clientId);
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send(SUBJECT, List.of(credential.getUserLabel()), TEMPLATE, attributes);
        } catch (EmailException e) {
            LOG.warnf("could not send the new-app-password notice for user %s: %s", user.getId(), e.getMessage());
        }
    }
}
