package io.apppasswords.keycloak.events;

import com.google.auto.service.AutoService;
import io.apppasswords.keycloak.lifecycle.AppPasswordCredentialProviderFactory;
import io.apppasswords.keycloak.lifecycle.AppPasswordHousekeeping;
import io.apppasswords.keycloak.policy.Setting;
import io.apppasswords.keycloak.policy.SettingValues;
import io.apppasswords.keycloak.policy.Settings;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.timer.TimerProvider;

/**
 * Registers {@link AppPasswordEventListener} as a global listener: Keycloak hands it every realm's user and
 * admin events whether or not the realm lists it under "Event listeners" or stores events, so revocation
 * cannot be switched off by accident (the realm's policy says whether it revokes). It also starts the other
 * thing that happens without a request: the periodic housekeeping of app passwords (expiry, unused ones,
 * warnings, records of ended ones).
 */
@AutoService(EventListenerProviderFactory.class)
public class AppPasswordEventListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "app-passwords";

    private int cleanupIntervalSeconds = Settings.CLEANUP_INTERVAL_SECONDS.defaultValue();

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AppPasswordEventListener(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {
        // the option belongs to the credential provider's scope, where the docs put it
        Config.Scope credential = Config.scope("credential", AppPasswordCredentialProviderFactory.PROVIDER_ID);
        cleanupIntervalSeconds = SettingValues.of(Setting.Source.SERVER_OPTION, "server options", credential::get)
                .get(Settings.CLEANUP_INTERVAL_SECONDS);
    }

    /** Each realm's grace period before an expired app password is deleted is in its policy. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class).schedule(
                    new AppPasswordHousekeeping(factory, cleanupIntervalSeconds),
                    cleanupIntervalSeconds * 1000L, AppPasswordHousekeeping.TASK_NAME);
        }
    }

    @Override
    public void close() {
    }
}
