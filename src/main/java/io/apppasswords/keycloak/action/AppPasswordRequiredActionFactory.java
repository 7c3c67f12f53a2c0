package io.apppasswords.keycloak.action;

import com.google.auto.service.AutoService;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

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
