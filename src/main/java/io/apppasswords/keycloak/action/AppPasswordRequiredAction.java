package io.apppasswords.keycloak.action;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import io.apppasswords.keycloak.lifecycle.AppPasswords;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.policy.RealmPolicy;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.authentication.CredentialRegistrator;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.common.util.Time;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Creates an app password: asks for a name, stores the digest, shows the secret once.
 *
 * <p>Once created, the id is kept in an auth note for the rest of this action: a reload, the back button
 * or a re-posted form then finishes the action (or shows the "already shown" page) instead of creating a
 * second app password or showing the secret again.
 */
public class AppPasswordRequiredAction implements RequiredActionProvider, CredentialRegistrator {

    static final String CREATE_TEMPLATE = "app-password-create.ftl";
    /** The page that shows the new secret, once. */
    static final String SECRET_TEMPLATE = "app-password-secret.ftl";
    static final String NOTE_CREATED = "app-password.created";
    /**
     * Posted by a page that offers the protocol checkboxes: only then does "none checked" mean none (refused)
     * rather than a theme's older page without them (any).
     */
    static final String PROTOCOLS_OFFERED = "protocolsOffered";

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
            context.challenge(context.form().createForm(SECRET_TEMPLATE));
            return;
        }
        AppPasswordPolicy policy = RealmPolicy.of(context.getRealm());
        LoginFormsProvider form = createForm(context, policy, null, policy.defaultLifetimeDays(), List.of(), null);
        try {
            appPasswords(context).checkMayCreate(context.getUser());
        } catch (AppPasswordException e) {
            // Said up front, not after the user filled the form in.
            form.setAttribute("appPasswordDenied", true).setError(e.getError().messageKey(), e.getParameters());
        }
        context.challenge(form.createForm(CREATE_TEMPLATE));
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
        String name = form.getFirst(AppPasswordError.Field.NAME);
        List<String> clients = form.getOrDefault(AppPasswordError.Field.CLIENTS, List.of());
        AppPasswordPolicy policy = RealmPolicy.of(context.getRealm());
        List<String> protocols = form.containsKey(PROTOCOLS_OFFERED)
                ? form.getOrDefault(AppPasswordError.Field.PROTOCOLS, List.of()) : null;
        Integer lifetime = lifetime(form.getFirst(AppPasswordError.Field.LIFETIME), policy);
        AppPasswords.Created created;
        try {
            created = appPasswords(context).create(context.getUser(), new AppPasswords.Request(name, () -> {
                if (lifetime == null) {
                    throw new AppPasswordException(AppPasswordError.EXPIRY_TOO_LATE, policy.maxLifetimeDays());
                }
                return AppPasswordPolicy.expiryAfterDays(lifetime, Time.currentTimeMillis());
            }, clients, protocols), context.getEvent(), authSession.getClient().getClientId());
        } catch (AppPasswordException e) {
            LoginFormsProvider page = createForm(context, policy, name,
                    lifetime == null ? policy.defaultLifetimeDays() : lifetime, clients, protocols);
            AppPasswordError error = e.getError();
            if (error.field() == null) {
                page.setError(error.messageKey(), e.getParameters());
            } else {
                page.addError(new FormMessage(error.field(), error.messageKey(), e.getParameters()));
            }
            context.challenge(page.createForm(CREATE_TEMPLATE));
            return;
        }

        AppPasswordCredentialModel credential = created.credential();
        authSession.setAuthNote(NOTE_CREATED, credential.getId());
        LoginFormsProvider page = context.form()
                .setAttribute("appPasswordName", credential.getUserLabel())
                .setAttribute("appPassword", created.secret())
                .setAttribute("appPasswordUsername", context.getUser().getUsername());
        context.challenge(page.createForm(SECRET_TEMPLATE));
    }

    private static AppPasswords appPasswords(RequiredActionContext context) {
        return new AppPasswords(context.getSession(), context.getRealm());
    }

    /** The chosen lifetime in days (0 = never), or {@code null} if it is not one the policy allows. */
    private static Integer lifetime(String value, AppPasswordPolicy policy) {
        if (value == null || value.isBlank()) {
            return policy.defaultLifetimeDays();
        }
        try {
            int days = Integer.parseInt(value.strip());
            return policy.allowsLifetime(days) ? days : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The name form with the choices the policy offers: lifetimes (the default preselected), the clients the
     * app password may be restricted to if the realm lists any, and the protocols (all checked unless
     * {@code selectedProtocols} says otherwise).
     */
    private static LoginFormsProvider createForm(RequiredActionContext context, AppPasswordPolicy policy, String name,
                                                 int lifetime, List<String> selectedClients,
                                                 List<String> selectedProtocols) {
        RealmModel realm = context.getRealm();
        List<Map<String, String>> clients = new ArrayList<>();
        for (String clientId : policy.allowedClients()) {
            ClientModel client = realm.getClientByClientId(clientId);
            if (client != null) {
                String label = client.getName() == null || client.getName().isBlank() || client.getName().contains("${")
                        ? clientId : client.getName();
                clients.add(Map.of("clientId", clientId, "label", label,
                        "selected", String.valueOf(selectedClients.contains(clientId))));
            }
        }
        List<Map<String, String>> protocols = new ArrayList<>();
        for (AppPasswordProtocol protocol : AppPasswordProtocol.values()) {
            boolean selected = selectedProtocols == null || selectedProtocols.contains(protocol.id());
            protocols.add(Map.of("id", protocol.id(), "selected", String.valueOf(selected)));
        }
        LoginFormsProvider form = context.form()
                .setAttribute("appPasswordLifetimes", policy.lifetimeChoices())
                .setAttribute("appPasswordLifetime", lifetime)
                .setAttribute("appPasswordClientChoices", clients)
                .setAttribute("appPasswordProtocolChoices", protocols);
        if (name != null) {
            form.setAttribute("appPasswordNameValue", name);
        }
        return form;
    }

    @Override
    public void close() {
    }
}
