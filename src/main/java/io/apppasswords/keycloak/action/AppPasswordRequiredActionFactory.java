package io.apppasswords.keycloak.action;

import com.google.auto.service.AutoService;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.policy.AppPasswordPolicies;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@AutoService(RequiredActionFactory.class)
public class AppPasswordRequiredActionFactory implements RequiredActionFactory {

    /** What admins type into realm JSON and apps put into {@code kc_action}. */
    public static final String PROVIDER_ID = AppPasswordCredentialModel.TYPE;

    private static final RequiredActionProvider SINGLETON = new AppPasswordRequiredAction();

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
        return AppPasswordPolicies.CONFIG;
    }

    /** Refuses a policy with a typo rather than letting it fall back to a default unnoticed. */
    @Override
    public void validateConfig(KeycloakSession session, RealmModel realm, RequiredActionConfigModel model) {
        RequiredActionFactory.super.validateConfig(session, realm, model);
        Map<String, String> config = model.getConfig() == null ? Map.of() : model.getConfig();
        List<Map.Entry<String, String>> problems = new ArrayList<>(AppPasswordPolicy.problems(config));
        if (problems.isEmpty()) {
            problems.addAll(AppPasswordPolicies.unknownNames(session, realm, AppPasswordPolicy.parse(config)));
        }
        if (!problems.isEmpty()) {
            Map.Entry<String, String> first = problems.get(0);
            throw new ValidationException(new ValidationError(getId(), first.getKey(), first.getKey() + " " + first.getValue()));
        }
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
