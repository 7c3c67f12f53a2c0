package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.lifecycle.AppPasswords;
import io.apppasswords.keycloak.lifecycle.EndReason;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.List;

/**
 * Admin API under {@code /admin/realms/{realm}/app-passwords}: list and revoke a user's app passwords.
 * There is deliberately no way to create one or to read a secret: an admin who knew a user's app password
 * could sign in as that user without leaving a trace in the admin events.
 */
public class AdminAppPasswordResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    public AdminAppPasswordResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                                    AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(ResourceType.USER);
    }

    @GET
    @Path("users/{userId}")
    @Produces(MediaType.APPLICATION_JSON)
    public List<AppPasswordRepresentation> list(@PathParam("userId") String userId) {
        UserModel user = user(userId);
        auth.users().requireView(user);
        return provider().list(user).map(AppPasswordRepresentation::of).toList();
    }

    @DELETE
    @Path("users/{userId}/{id}")
    public Response revoke(@PathParam("userId") String userId, @PathParam("id") String id) {
        UserModel user = user(userId);
        auth.users().requireManage(user);
        AppPasswordCredentialModel credential = provider().get(user, id)
                .orElseThrow(() -> ErrorResponses.error(AppPasswordError.NOT_FOUND, "The user has no app password with this id."));
        if (appPasswords().revoke(user, credential, EndReason.DELETED_BY_ADMIN, userEvent(user))) {
            adminEvent(user, credential);
        }
        return Response.noContent().build();
    }

    @DELETE
    @Path("users/{userId}")
    public Response revokeAll(@PathParam("userId") String userId) {
        UserModel user = user(userId);
        auth.users().requireManage(user);
        appPasswords().revokeAll(user, EndReason.DELETED_BY_ADMIN, userEvent(user))
                .forEach(credential -> adminEvent(user, credential));
        return Response.noContent().build();
    }

    private EventBuilder userEvent(UserModel user) {
        return new EventBuilder(realm, session, session.getContext().getConnection()).user(user);
    }

    private void adminEvent(UserModel user, AppPasswordCredentialModel credential) {
        adminEvent.clone(session)
                .operation(OperationType.DELETE)
                .resourcePath("users", user.getId(), "app-passwords", credential.getId())
                .representation(AppPasswordRepresentation.of(credential))
                .success();
    }

    /** 404 for an unknown user only to admins who may look users up; everyone else gets 403. */
    private UserModel user(String userId) {
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            auth.users().requireQuery();
            throw ErrorResponses.error(AppPasswordError.NOT_FOUND, "User not found.");
        }
        return user;
    }

    private AppPasswords appPasswords() {
        return new AppPasswords(session, realm);
    }

    private AppPasswordCredentialProvider provider() {
        return AppPasswordCredentialProvider.of(session);
    }
}
