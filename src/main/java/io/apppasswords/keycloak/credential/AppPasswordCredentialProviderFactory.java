package io.apppasswords.keycloak.credential;

import com.google.auto.service.AutoService;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

@AutoService(CredentialProviderFactory.class)
public class AppPasswordCredentialProviderFactory implements CredentialProviderFactory<AppPasswordCredentialProvider> {

    public static final String PROVIDER_ID = AppPasswordCredentialModel.TYPE;

    /**
     * Server option {@code --spi-credential--app-password--cleanup-interval-seconds}, declared here where
     * admins look for it; the event listener factory, which schedules the clean-up, reads it.
     */
    public static final String CLEANUP_INTERVAL = "cleanupIntervalSeconds";
    public static final int DEFAULT_CLEANUP_INTERVAL_SECONDS = 900;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public CredentialProvider create(KeycloakSession session) {
        return new AppPasswordCredentialProvider(session);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(CLEANUP_INTERVAL).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Seconds between two runs of the clean-up of expired app passwords.")
                .defaultValue(String.valueOf(DEFAULT_CLEANUP_INTERVAL_SECONDS)).add()
                .build();
    }
}
