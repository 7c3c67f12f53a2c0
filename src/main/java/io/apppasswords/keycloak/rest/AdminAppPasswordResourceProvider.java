package io.apppasswords.keycloak.rest;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Mounts {@link AdminAppPasswordResource} at {@code /admin/realms/{realm}/app-passwords}. */
public class AdminAppPasswordResourceProvider implements AdminRealmResourceProvider {

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new AdminAppPasswordResource(session, realm, auth, adminEvent);
    }

    @Override
    public void close() {
    }
}
