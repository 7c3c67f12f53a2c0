package io.apppasswords.keycloak.rest;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

/** Mounts {@link AppPasswordResource} at {@code /realms/{realm}/app-passwords}. */
public class AppPasswordResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;

    public AppPasswordResourceProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return new AppPasswordResource(session);
    }

    @Override
    public void close() {
    }
}
