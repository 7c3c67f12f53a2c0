package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import io.apppasswords.keycloak.credential.IpLiteral;
import io.apppasswords.keycloak.lifecycle.AppPasswordLogin;
import io.apppasswords.keycloak.lifecycle.AuthenticatorSettings;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * {@code /realms/{realm}/app-passwords/forward-auth}: a reverse proxy's forward-auth hook (nginx
 * {@code auth_request}, Traefik {@code ForwardAuth}, Caddy {@code forward_auth}) asks whether the device's
 * {@code Authorization: Basic} holds a user name and one of that user's app passwords.
 *
 * <p>The proxy is a confidential client of the realm and names itself with {@value #CLIENT_HEADER} and
 * {@value #SECRET_HEADER}; a proxy that cannot is answered 403, never 401, which a device would show as a wrong
 * password. The device's credentials go through {@link AppPasswordLogin}, the check of a direct grant, with the
 * settings of the app-password step in the client's direct-grant flow. Answers: 200 with
 * {@value #REMOTE_USER}; 401 with a Basic challenge; 503 with {@code Retry-After} when Keycloak cannot decide
 * (a store fails, or a user federation does not answer). No session, token or cookie is made; the password is
 * never logged.
 */
public class ForwardAuthResource {

    static final String CLIENT_HEADER = "X-Forward-Auth-Client";
    static final String SECRET_HEADER = "X-Forward-Auth-Secret";
    /** The protocol the proxied service speaks ({@link AppPasswordProtocol} id), from a trusted forwarder. */
    static final String SERVICE_HEADER = "X-Forward-Auth-Service";
    /** The device's address as a trusted forwarder saw it: the last entry is the one the proxy added. */
    static final String FORWARDED_FOR = "X-Forwarded-For";
    static final String REMOTE_USER = "X-Remote-User";
    /** {@code Details.AUTH_METHOD} of its events, beside Keycloak's {@code openid-connect}. */
    static final String AUTH_METHOD = "forward-auth";

    private static final Logger LOG = Logger.getLogger(ForwardAuthResource.class);
    /** Compared against when the client is unknown, so that an unknown client costs what a wrong secret does. */
    private static final byte[] NO_SECRET = sha256("");

    private final KeycloakSession session;
    private final RealmModel realm;

    public ForwardAuthResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    // Every method answers alike: nginx always asks with GET, other proxies may keep the device's method.

    @GET
    public Response get() {
        return check();
    }

    @HEAD
    public Response head() {
        return check();
    }

    @POST
    public Response post() {
        return check();
    }

    @PUT
    public Response put() {
        return check();
    }

    @DELETE
    public Response delete() {
        return check();
    }

    @PATCH
    public Response patch() {
        return check();
    }

    @OPTIONS
    public Response options() {
        return check();
    }

    @DavMethods.PROPFIND
    public Response propfind() {
        return check();
    }

    @DavMethods.PROPPATCH
    public Response proppatch() {
        return check();
    }

    @DavMethods.MKCOL
    public Response mkcol() {
        return check();
    }

    @DavMethods.MKCALENDAR
    public Response mkcalendar() {
        return check();
    }

    @DavMethods.COPY
    public Response copy() {
        return check();
    }

    @DavMethods.MOVE
    public Response move() {
        return check();
    }

    @DavMethods.LOCK
    public Response lock() {
        return check();
    }

    @DavMethods.UNLOCK
    public Response unlock() {
        return check();
    }

    @DavMethods.REPORT
    public Response report() {
        return check();
    }

    @DavMethods.ACL
    public Response acl() {
        return check();
    }

    @DavMethods.SEARCH
    public Response search() {
        return check();
    }

    private Response check() {
        HttpHeaders headers = session.getContext().getRequestHeaders();
        ClientModel client = proxyClient(headers.getHeaderString(CLIENT_HEADER), headers.getHeaderString(SECRET_HEADER));
        if (client == null) {
            return refused(AppPasswordError.PROXY_UNKNOWN);
        }
        Optional<AuthenticatorSettings> step = AuthenticatorSettings.forDirectGrant(realm, client);
        if (step.isEmpty()) {
            return refused(AppPasswordError.PROXY_WITHOUT_STEP);
        }
        AuthenticatorSettings settings = step.get();
        boolean trusted = settings.trustedForwarders().contains(client.getClientId());
        String proxyIp = session.getContext().getConnection().getRemoteAddr();
        AppPasswordLogin.Source source = trusted
                ? AppPasswordLogin.Source.forwarder(proxyIp, IpLiteral.parse(lastEntry(headers.getHeaderString(FORWARDED_FOR))))
                : AppPasswordLogin.Source.direct(proxyIp);
        AppPasswordProtocol protocol = trusted ? AppPasswordProtocol.of(headers.getHeaderString(SERVICE_HEADER)) : null;

        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.LOGIN).client(client).ipAddress(source.ip()).detail(Details.AUTH_METHOD, AUTH_METHOD);
        BasicCredentials credentials = BasicCredentials.parse(headers.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (credentials == null) {
            return challenge(); // a device's first request often comes without credentials: no event for it
        }
        try {
            AppPasswordLogin.Outcome outcome = new AppPasswordLogin(session, realm, settings.lastUseIntervalMillis())
                    .check(new AppPasswordLogin.Attempt(client, null, credentials.username(), credentials.password(),
                            source, protocol, true), event);
            if (outcome.result() == AppPasswordLogin.Result.UNAVAILABLE) {
                event.error(outcome.error());
                return refused(AppPasswordError.TEMPORARILY_UNAVAILABLE);
            }
            if (!outcome.accepted()) {
                event.error(outcome.error());
                return challenge();
            }
            event.success();
            return answer(Response.ok()).header(REMOTE_USER, headerValue(outcome.user().getUsername())).build();
        } catch (RuntimeException e) {
            // A store that cannot answer (the database): not the device's fault, so not a 401.
            session.getTransactionManager().setRollbackOnly();
            LOG.warnf("Forward-auth check in realm %s could not decide: %s", realm.getName(), e.toString());
            return refused(AppPasswordError.TEMPORARILY_UNAVAILABLE);
        }
    }

    /**
     * The proxy's client if {@code clientId} names an enabled confidential client whose secret is
     * {@code secret}, else {@code null}. The secrets' digests are compared in constant time.
     */
    private ClientModel proxyClient(String clientId, String secret) {
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        boolean confidential = client != null && client.isEnabled() && !client.isPublicClient() && !client.isBearerOnly()
                && client.getSecret() != null;
        byte[] expected = confidential ? sha256(client.getSecret()) : NO_SECRET;
        boolean matches = MessageDigest.isEqual(sha256(secret == null ? "" : secret), expected);
        return confidential && secret != null && matches ? client : null;
    }

    /** A JSON error in the device's language (nginx passes its Accept-Language on), never cached. */
    private Response refused(AppPasswordError error) {
        return ErrorResponses.response(session, null, error).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    /** 401 with a Basic challenge naming the realm as people know it, for a missing, malformed or wrong credential. */
    private Response challenge() {
        String name = realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getName() : realm.getDisplayName();
        return answer(Response.status(Response.Status.UNAUTHORIZED))
                .header(HttpHeaders.WWW_AUTHENTICATE, headerValue("Basic realm=\"" + quoted(name) + "\", charset=\"UTF-8\""))
                .build();
    }

    /** Every answer: never cached; a media type even without a body (Keycloak's security headers want one). */
    private static Response.ResponseBuilder answer(Response.ResponseBuilder builder) {
        return builder.header(HttpHeaders.CACHE_CONTROL, "no-store").type(MediaType.TEXT_PLAIN_TYPE);
    }

    /** The inside of an RFC 9110 quoted-string: backslash and quote escaped, control characters dropped. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().filter(c -> c >= 0x20 && c != 0x7f).forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.appendCodePoint(c);
        });
        return out.toString();
    }

    /**
     * A header value that goes out as the UTF-8 bytes of {@code text}: the server writes each char of a header
     * as one byte, so non-ASCII user names reach nginx, and through it the backend, as UTF-8.
     */
    static String headerValue(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** The last comma-separated entry: what the trusted proxy itself saw, not what the device claimed before it. */
    static String lastEntry(String forwardedFor) {
        if (forwardedFor == null) {
            return null;
        }
        String last = forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).strip();
        return last.isEmpty() ? null : last;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
