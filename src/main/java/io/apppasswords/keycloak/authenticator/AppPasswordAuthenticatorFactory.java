package io.apppasswords.keycloak.authenticator;

import com.google.auto.service.AutoService;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.policy.Setting;
import io.apppasswords.keycloak.policy.Settings;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;
import java.util.Set;

@AutoService(AuthenticatorFactory.class)
public class AppPasswordAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "direct-grant-validate-app-password";

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
     * An app password is a password to Keycloak's brute-force protector: from 26.6 on it counts a failed step
     * only when its category is {@code password}, OTP or recovery codes, and the flow reports failures with
     * this category on every 26.x line. Declaring it here keeps us off the protector's API, whose signature
     * changed in 26.6 and again in 26.7.
     */
    @Override
    public String getReferenceCategory() {
        return PasswordCredentialModel.TYPE;
    }

    /** Makes the credential type appear on the account console's "Signing in" page. */
    @Override
    public Set<String> getOptionalReferenceCategories(KeycloakSession session) {
        return Set.of(AppPasswordCredentialModel.TYPE);
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
