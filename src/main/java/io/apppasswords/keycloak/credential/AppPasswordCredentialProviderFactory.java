package io.apppasswords.keycloak.credential;

import com.google.auto.service.AutoService;
import io.apppasswords.keycloak.policy.ExpiredAppPasswordCleanup;
import org.keycloak.Config;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.timer.TimerProvider;

import java.util.List;

@AutoService(CredentialProviderFactory.class)
public class AppPasswordCredentialProviderFactory implements CredentialProviderFactory<AppPasswordCredentialProvider> {

    public static final String PROVIDER_ID = AppPasswordCredentialModel.TYPE;

    /** Server option {@code --spi-credential--app-password--cleanup-interval-seconds}. */
    static final String CLEANUP_INTERVAL = "cleanupIntervalSeconds";
    static final int DEFAULT_CLEANUP_INTERVAL_SECONDS = 900;

    private int cleanupIntervalSeconds = DEFAULT_CLEANUP_INTERVAL_SECONDS;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public CredentialProvider create(KeycloakSession session) {
        return new AppPasswordCredentialProvider(session);
    }

    @Override
    public void init(Config.Scope config) {
        cleanupIntervalSeconds = Math.max(1, config.getInt(CLEANUP_INTERVAL, DEFAULT_CLEANUP_INTERVAL_SECONDS));
    }

    /** Schedules the clean-up of expired app passwords (each realm's grace period is in its policy). */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class).schedule(
                    new ExpiredAppPasswordCleanup(factory, cleanupIntervalSeconds),
                    cleanupIntervalSeconds * 1000L, ExpiredAppPasswordCleanup.TASK_NAME);
        }
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
