package io.apppasswords.keycloak.action;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import io.apppasswords.keycloak.lifecycle.AppPasswords;
import io.apppasswords.keycloak.lifecycle.DeviceHandoff;
import io.apppasswords.keycloak.lifecycle.DeviceProfile;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.policy.DeviceSettings;
import io.apppasswords.keycloak.policy.RealmPolicy;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.authentication.CredentialRegistrator;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.common.util.Time;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates an app password: asks for a name, stores the digest, shows the secret once.
 *
 * <p>Once created, the id is kept in an auth note for the rest of this action: a reload, the back button
 * or a re-posted form then finishes the action (or shows the "already shown" page) instead of creating a
 * second app password or showing the secret again.
 *
 * <p>A user the policy refuses for lack of a second factor can set one up from the refusal: the chosen
 * required action is added to this authentication session and Keycloak, which runs a session's required
 * actions before the {@code kc_action}, shows its page and then this one again.
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
    /** The refusal's form field naming the required action that sets up a second factor. */
    static final String SET_UP = "setUp";
    /**
     * Keycloak's required actions that set up a second factor, offered in this order where the realm has
     * them enabled, with the message key of their button.
     */
    static final Map<String, String> SECOND_FACTOR_ACTIONS = secondFactorActions();

    /** How long the device set-up links work ({@link DeviceHandoff}). */
    private final int deviceLinkSeconds;

    AppPasswordRequiredAction(int deviceLinkSeconds) {
        this.deviceLinkSeconds = deviceLinkSeconds;
    }

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
        List<String> defaultNetworks = RealmPolicy.attacks(context.getRealm()).defaultNetworks();
        if (!defaultNetworks.isEmpty()) {
            form.setAttribute("appPasswordNetworksValue", String.join(" ", defaultNetworks));
        }
        try {
            appPasswords(context).checkMayCreate(context.getUser());
        } catch (AppPasswordException e) {
            // Said up front, not after the user filled the form in.
            form.setAttribute("appPasswordDenied", true).setError(e.getError().messageKey(), e.getParameters());
            if (e.getError() == AppPasswordError.SECOND_FACTOR_REQUIRED) {
                form.setAttribute("appPasswordSetUpChoices", setUpChoices(context.getRealm()));
            }
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
        if (form.getFirst(SET_UP) != null) {
            setUpSecondFactor(context, form.getFirst(SET_UP));
            return;
        }
        String name = form.getFirst(AppPasswordError.Field.NAME);
        List<String> clients = form.getOrDefault(AppPasswordError.Field.CLIENTS, List.of());
        AppPasswordPolicy policy = RealmPolicy.of(context.getRealm());
        List<String> protocols = form.containsKey(PROTOCOLS_OFFERED)
                ? form.getOrDefault(AppPasswordError.Field.PROTOCOLS, List.of()) : null;
        Integer lifetime = lifetime(form.getFirst(AppPasswordError.Field.LIFETIME), policy);
        String networksText = form.getFirst(AppPasswordError.Field.NETWORKS);
        List<String> networks = networksText == null ? null : List.of(networksText.split("[\\s,]+"));
        AppPasswords.Created created;
        try {
            created = appPasswords(context).create(context.getUser(), new AppPasswords.Request(name, () -> {
                if (lifetime == null) {
                    throw new AppPasswordException(AppPasswordError.EXPIRY_TOO_LATE, policy.maxLifetimeDays());
                }
                return AppPasswordPolicy.expiryAfterDays(lifetime, Time.currentTimeMillis());
            }, clients, protocols, networks), context.getEvent(), authSession.getClient().getClientId());
        } catch (AppPasswordException e) {
            LoginFormsProvider page = createForm(context, policy, name,
                    lifetime == null ? policy.defaultLifetimeDays() : lifetime, clients, protocols);
            if (networksText != null) {
                page.setAttribute("appPasswordNetworksValue", networksText);
            }
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
        offerDeviceSetUp(context, credential, created.secret(), page);
        context.challenge(page.createForm(SECRET_TEMPLATE));
    }

    /**
     * With the realm's servers named: the settings table and, where the app password's scope fits a profile,
     * the profile's link and a QR code of a second, single-use link, both working for {@link #deviceLinkSeconds}.
     */
    private void offerDeviceSetUp(RequiredActionContext context, AppPasswordCredentialModel credential, String secret,
                                  LoginFormsProvider page) {
        DeviceProfile.Account account = DeviceProfile.account(context.getRealm(), context.getUser(), credential);
        if (account == null) {
            return;
        }
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("groups", settingsTable(account));
        if (account.offered()) {
            DeviceHandoff.Tokens tokens = DeviceHandoff.offer(context.getSession(), context.getRealm(), context.getUser(),
                    credential.getId(), secret, deviceLinkSeconds);
            device.put("profileUrl", DeviceHandoff.link(context.getSession(), context.getRealm(), tokens.page()).toString());
            device.put("qrImage", QrCode.dataUri(
                    DeviceHandoff.link(context.getSession(), context.getRealm(), tokens.qr()).toString()));
            device.put("qrSize", QrCode.SIZE);
            device.put("minutes", Math.max(1, (deviceLinkSeconds + 59) / 60));
        }
        page.setAttribute("appPasswordDevice", device);
    }

    /** The settings for other apps: groups (heading key, rows of label key and value), the user name last. */
    private static List<Map<String, Object>> settingsTable(DeviceProfile.Account account) {
        DeviceSettings s = account.settings();
        List<Map<String, Object>> groups = new ArrayList<>();
        groups.add(group("appPasswordDeviceIncoming", List.of(
                row("appPasswordDeviceServer", s.imapHost()), row("appPasswordDevicePort", String.valueOf(s.imapPort())),
                row("appPasswordDeviceSecurity", s.imapSecurity().label()),
                row("appPasswordDeviceUsername", account.username()))));
        groups.add(group("appPasswordDeviceOutgoing", List.of(
                row("appPasswordDeviceServer", s.smtpHost()), row("appPasswordDevicePort", String.valueOf(s.smtpPort())),
                row("appPasswordDeviceSecurity", s.smtpSecurity().label()),
                row("appPasswordDeviceUsername", account.username()))));
        if (s.caldavUrl() != null) {
            groups.add(group("appPasswordDeviceCalendars", List.of(row("appPasswordDeviceAddress", s.caldavUrl().toString()),
                    row("appPasswordDeviceUsername", account.username()))));
        }
        if (s.carddavUrl() != null) {
            groups.add(group("appPasswordDeviceContacts", List.of(row("appPasswordDeviceAddress", s.carddavUrl().toString()),
                    row("appPasswordDeviceUsername", account.username()))));
        }
        return groups;
    }

    private static Map<String, Object> group(String heading, List<Map<String, String>> rows) {
        return Map.of("heading", heading, "rows", rows);
    }

    private static Map<String, String> row(String label, String value) {
        return Map.of("label", label, "value", value);
    }

    /**
     * Runs the chosen set-up action next and this one after it. Only from the refusal it was offered on,
     * and only an action this realm has enabled; anything else shows this action's page again.
     */
    private void setUpSecondFactor(RequiredActionContext context, String action) {
        boolean refused;
        try {
            appPasswords(context).checkMayCreate(context.getUser());
            refused = false;
        } catch (AppPasswordException e) {
            refused = e.getError() == AppPasswordError.SECOND_FACTOR_REQUIRED;
        }
        if (!refused || !enabled(context.getRealm(), action) || !SECOND_FACTOR_ACTIONS.containsKey(action)) {
            requiredActionChallenge(context);
            return;
        }
        context.getAuthenticationSession().addRequiredAction(action);
        // The page's own URL without its one-time code: Keycloak treats it as a reload of this step and
        // picks the next required action, which is now the set-up (kc_action always runs last).
        URI next = UriBuilder.fromUri(context.getActionUrl()).replaceQueryParam("session_code").build();
        context.challenge(Response.seeOther(next).build());
    }

    /** The set-up actions the realm offers, as the refusal page lists them: action alias and button label key. */
    private static List<Map<String, String>> setUpChoices(RealmModel realm) {
        List<Map<String, String>> choices = new ArrayList<>();
        SECOND_FACTOR_ACTIONS.forEach((action, label) -> {
            if (enabled(realm, action)) {
                choices.add(Map.of("action", action, "label", label));
            }
        });
        return choices;
    }

    private static boolean enabled(RealmModel realm, String alias) {
        RequiredActionProviderModel model = realm.getRequiredActionProviderByAlias(alias);
        return model != null && model.isEnabled();
    }

    private static Map<String, String> secondFactorActions() {
        Map<String, String> actions = new LinkedHashMap<>();
        actions.put(UserModel.RequiredAction.CONFIGURE_TOTP.name(), "appPasswordSetUpOtp");
        actions.put("webauthn-register-passwordless", "appPasswordSetUpPasskey");
        return Collections.unmodifiableMap(actions);
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
                clients.add(Map.of("value", clientId, "label", label,
                        "selected", String.valueOf(selectedClients.contains(clientId))));
            }
        }
        List<Map<String, String>> protocols = new ArrayList<>();
        for (AppPasswordProtocol protocol : AppPasswordProtocol.values()) {
            boolean selected = selectedProtocols == null || selectedProtocols.contains(protocol.id());
            protocols.add(Map.of("id", protocol.id(), "group", protocol.group().id(), "selected", String.valueOf(selected)));
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
