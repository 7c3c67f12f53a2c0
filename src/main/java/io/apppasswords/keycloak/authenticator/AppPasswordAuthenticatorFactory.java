package io.apppasswords.keycloak.authenticator;

import com.google.auto.service.AutoService;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.lifecycle.AuthenticatorSettings;
import io.apppasswords.keycloak.policy.Setting;
import io.apppasswords.keycloak.policy.Settings;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

@AutoService(AuthenticatorFactory.class)
public class AppPasswordAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = AuthenticatorSettings.STEP_ID;

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.ALTERNATIVE,
            AuthenticationExecutionModel.Requirement.DISABLED
    };

    /** The {@link Setting.Source#AUTHENTICATOR} entries of {@link Settings}. */
    private static final List<ProviderConfigProperty> CONFIG = Settings.of(Setting.Source.AUTHENTICATOR).stream()
            .map(Setting::property).toList();

    private static final Authenticator SINGLETON = new AppPasswordAuthenticator();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "App Password";
    }

    /**
     * The credential type itself: it makes app passwords appear on the account console's "Signing in" page,
     * and it is no category Keycloak's brute-force protector counts (26.6 on) or lets reset the main
     * password's failures (26.7 on). The step never hands the protector a failure anyway: a wrong app
     * password must not let anyone lock a user out (see {@code AppPasswordLogin}).
     */
    @Override
    public String getReferenceCategory() {
        return AppPasswordCredentialModel.TYPE;
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public String getHelpText() {
        return "Direct grant: accepts one of the user's app passwords in the 'password' parameter, without OTP. "
                + "Finds the user itself when it is the first step.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
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
