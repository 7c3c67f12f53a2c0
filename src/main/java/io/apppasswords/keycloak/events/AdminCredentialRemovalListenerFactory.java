package io.apppasswords.keycloak.events;

import com.google.auto.service.AutoService;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

@AutoService(EventListenerProviderFactory.class)
public class AdminCredentialRemovalListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "app-password-admin-removal";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AdminCredentialRemovalListener(session);
    }

    /** Global: it must work in every realm without anyone adding it to the realm's listeners. */
    @Override
    public boolean isGlobal() {
        return true;
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
