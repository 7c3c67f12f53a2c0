package io.apppasswords.keycloak.policy;

import com.google.auto.service.AutoService;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Registers {@link RevocationEventListener} as a global listener: Keycloak hands it every realm's user and
 * admin events whether or not the realm lists it under "Event listeners" or stores events, so revocation
 * cannot be switched off by accident. The realm's policy says whether it revokes.
 */
@AutoService(EventListenerProviderFactory.class)
public class RevocationEventListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "app-password-revocation";

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new RevocationEventListener(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
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
