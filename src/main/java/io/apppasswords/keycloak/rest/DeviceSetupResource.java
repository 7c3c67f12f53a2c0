package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.lifecycle.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.lifecycle.AppPasswordEvents;
import io.apppasswords.keycloak.lifecycle.DeviceHandoff;
import io.apppasswords.keycloak.lifecycle.DeviceProfile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * {@code /realms/{realm}/app-passwords/device/{token}}: the links of the shown-once page and of its QR code,
 * which download the new app password's configuration profile. No login: the token is the authority, and
 * a link that does not work (malformed, another realm's, expired, used, its app password ended) gets the
 * same page, 410, so nothing can be learnt from the difference.
 */
public class DeviceSetupResource {

    /** The page that says why a link no longer works. */
    static final String GONE_MESSAGE = "appPasswordDeviceLinkGone";

    private final KeycloakSession session;
    private final RealmModel realm;

    public DeviceSetupResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    @GET
    @Path("{token}")
    public Response download(@PathParam("token") String token) {
        DeviceHandoff.Opened opened = DeviceHandoff.open(session, realm, token);
        if (opened == null) {
            return gone();
        }
        UserModel user = session.users().getUserById(realm, opened.userId());
        AppPasswordCredentialModel credential = user == null ? null
                : AppPasswordCredentialProvider.of(session).get(user, opened.credentialId()).orElse(null);
        DeviceProfile.Account account = credential == null ? null : DeviceProfile.account(realm, user, credential);
        if (account == null || !account.offered()) {
            DeviceHandoff.drop(session, opened.credentialId()); // ended unseen, or the admin removed the servers
            return gone();
        }
        AppPasswordEvents.profileDownloaded(
                new EventBuilder(realm, session, session.getContext().getConnection()).user(user), credential, opened.via());
        return noStore(Response.ok(DeviceProfile.build(account, opened.secret()), DeviceProfile.MEDIA_TYPE)
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"" + DeviceProfile.fileName(credential.getUserLabel()) + "\""));
    }

    private Response gone() {
        Response page = session.getProvider(LoginFormsProvider.class).setError(GONE_MESSAGE)
                .createErrorPage(Response.Status.GONE);
        return noStore(Response.fromResponse(page));
    }

    /** Neither the profile nor the page may be cached, nor the token leave in a Referer. */
    private static Response noStore(Response.ResponseBuilder response) {
        return response.header(HttpHeaders.CACHE_CONTROL, "no-store").header("Referrer-Policy", "no-referrer").build();
    }
}
