package io.apppasswords.keycloak.action;

import com.google.auto.service.AutoService;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.lifecycle.DeviceHandoff;
import io.apppasswords.keycloak.policy.PolicyProblem;
import io.apppasswords.keycloak.policy.RealmPolicy;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.userprofile.ValidationException;
import org.keycloak.validate.ValidationError;

import java.util.List;
import java.util.Map;

@AutoService(RequiredActionFactory.class)
public class AppPasswordRequiredActionFactory implements RequiredActionFactory {

    /** What admins type into realm JSON and apps put into {@code kc_action}. */
    public static final String PROVIDER_ID = AppPasswordCredentialModel.TYPE;

    /**
     * SPI option: seconds the device set-up links of a new app password work
     * ({@code --spi-required-action--app-password--device-link-seconds}); tests shorten it.
     */
    static final String DEVICE_LINK_SECONDS = "device-link-seconds";

    private RequiredActionProvider provider = new AppPasswordRequiredAction(DeviceHandoff.DEFAULT_SECONDS);

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "Create an app password";
    }

    /** The realm's app-password policy, which the admin console renders as this action's settings. */
    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return RealmPolicy.CONFIG;
    }

    /** Refuses a policy with a typo rather than letting it fall back to a default unnoticed. */
    @Override
    public void validateConfig(KeycloakSession session, RealmModel realm, RequiredActionConfigModel model) {
        RequiredActionFactory.super.validateConfig(session, realm, model);
        Map<String, String> config = model.getConfig() == null ? Map.of() : model.getConfig();
        List<PolicyProblem> problems = RealmPolicy.problems(session, realm, config);
        if (!problems.isEmpty()) {
            PolicyProblem first = problems.get(0);
            throw new ValidationException(new ValidationError(getId(), first.key(), first.messageKey(), first.parameters()));
        }
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return provider;
    }

    @Override
    public void init(Config.Scope config) {
        int seconds = config.getInt(DEVICE_LINK_SECONDS, DeviceHandoff.DEFAULT_SECONDS);
        if (seconds < 1) {
            throw new IllegalArgumentException(DEVICE_LINK_SECONDS + " must be at least 1, not " + seconds);
        }
        provider = new AppPasswordRequiredAction(seconds);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
