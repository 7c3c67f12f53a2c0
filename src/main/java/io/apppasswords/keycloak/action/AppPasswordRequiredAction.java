package io.apppasswords.keycloak.action;

import io.apppasswords.keycloak.AppPasswordEvents;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordException;
import io.apppasswords.keycloak.notification.AppPasswordMailer;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.CredentialRegistrator;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Creates an app password: asks for a name, stores the digest, shows the secret once.
 *
 * <p>Once created, the id is kept in an auth note for the rest of this action: a reload, the back button
 * or a re-posted form then finishes the action (or shows the "already shown" page) instead of creating a
 * second app password or showing the secret again.
 */
public class AppPasswordRequiredAction implements RequiredActionProvider, CredentialRegistrator {

    static final String CREATE_TEMPLATE = "app-password-create.ftl";
    static final String CREATED_TEMPLATE = "app-password-created.ftl";
    static final String FIELD_NAME = "name";
    static final String NOTE_CREATED = "app-password.created";

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authenticationSession) {
        return AppPasswordCredentialModel.TYPE;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (context.getAuthenticationSession().getAuthNote(NOTE_CREATED) != null) {
            context.challenge(context.form().createForm(CREATED_TEMPLATE));
            return;
        }
        context.challenge(context.form().createForm(CREATE_TEMPLATE));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        if (authSession.getAuthNote(NOTE_CREATED) != null) {
            authSession.removeAuthNote(NOTE_CREATED);
            context.success();
            return;
        }

        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String name = form.getFirst(FIELD_NAME);
        AppPasswordCredentialProvider.Created created;
        try {
            created = AppPasswordCredentialProvider.of(context.getSession()).create(context.getRealm(), context.getUser(), name, null, null);
        } catch (AppPasswordException e) {
            Response page = context.form()
                    .setAttribute("appPasswordNameValue", name)
                    .addError(new FormMessage(e.getField(), e.getMessageKey()))
                    .createForm(CREATE_TEMPLATE);
            context.challenge(page);
            return;
        }

        AppPasswordCredentialModel credential = created.credential();
        authSession.setAuthNote(NOTE_CREATED, credential.getId());
        AppPasswordEvents.created(context.getEvent(), credential);
        AppPasswordMailer.created(context.getSession(), context.getRealm(), context.getUser(), credential,
                authSession.getClient().getClientId());

        LoginFormsProvider page = context.form()
                .setAttribute("appPasswordName", credential.getUserLabel())
                .setAttribute("appPassword", created.secret())
                .setAttribute("appPasswordUsername", context.getUser().getUsername());
        context.challenge(page.createForm(CREATED_TEMPLATE));
    }

    @Override
    public void close() {
    }
}
