package io.apppasswords.keycloak.rest;

import com.google.auto.service.AutoService;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

@AutoService(AdminRealmResourceProviderFactory.class)
public class AdminAppPasswordResourceProviderFactory implements AdminRealmResourceProviderFactory {

    /** The path segment: {@code /admin/realms/{realm}/app-passwords}. */
    public static final String PROVIDER_ID = "app-passwords";

    private static final AdminRealmResourceProvider SINGLETON = new AdminAppPasswordResourceProvider();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
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
