package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import com.google.auto.service.AutoService;
import io.apppasswords.keycloak.policy.Setting;
import io.apppasswords.keycloak.policy.Settings;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

@AutoService(CredentialProviderFactory.class)
public class AppPasswordCredentialProviderFactory implements CredentialProviderFactory<AppPasswordCredentialProvider> {

    public static final String PROVIDER_ID = AppPasswordCredentialModel.TYPE;


    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public CredentialProvider create(KeycloakSession session) {
        return new AppPasswordCredentialProvider(session);
    }

    /**
     * The server options ({@code --spi-credential--app-password--…}), declared here where admins look for them;
     * the event listener factory, which schedules the clean-up, reads them.
     */
    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return Settings.of(Setting.Source.SERVER_OPTION).stream().map(Setting::property).toList();
    }
}
