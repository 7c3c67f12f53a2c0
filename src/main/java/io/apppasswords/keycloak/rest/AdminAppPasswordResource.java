package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.lifecycle.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.lifecycle.AppPasswordInventory;
import io.apppasswords.keycloak.lifecycle.AppPasswords;
import io.apppasswords.keycloak.lifecycle.InventoryFilter;
import io.apppasswords.keycloak.lifecycle.SourceThrottle;
import io.apppasswords.keycloak.policy.RealmPolicy;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.lifecycle.EndReason;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Admin API under {@code /admin/realms/{realm}/app-passwords}: the realm-wide inventory (JSON or CSV) and its
 * bulk revocation, and a user's app passwords, listed and revoked. There is deliberately no way to create one
 * or to read a secret: an admin who knew a user's app password could sign in as that user without leaving a
 * trace in the admin events.
 */
public class AdminAppPasswordResource {

    static final String CSV = "text/csv";
    static final int DEFAULT_PAGE = 100;
    static final int PAGE_LIMIT = 1000;
    private static final int MAX_SEARCH = 255;

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

    /**
     * Every app password of the realm, sorted by user name, then name: a page as JSON, or as CSV when the
     * client prefers {@code text/csv} (everything unless {@code first}, {@code after} or {@code max} is given),
     * streamed in pages of {@value #PAGE_LIMIT} read in transactions of their own. A page that is not the last
     * links the next one ({@code Link: <...after=cursor>; rel="next"}): {@code after} continues behind a row
     * at the cost of a first page, where {@code first} makes the database count off every row before.
     */
    @GET
    @Produces({MediaType.APPLICATION_JSON, CSV})
    public Response inventory(@Context HttpHeaders headers, @QueryParam("search") String search,
                              @QueryParam("neverUsed") String neverUsed, @QueryParam("unusedDays") String unusedDays,
                              @QueryParam("expiringDays") String expiringDays, @QueryParam("expired") String expired,
                              @QueryParam("first") String first, @QueryParam("after") String after,
                              @QueryParam("max") String max) {
        auth.users().requireView();
        InventoryFilter filter = filter(search, neverUsed, unusedDays, expiringDays, expired);
        int from = number("first", first, 0, 0, Integer.MAX_VALUE);
        AppPasswordInventory.Position position = position(after);
        if (first != null && position != null) {
            throw refused(AppPasswordError.FIRST_AND_AFTER);
        }
        int size = number("max", max, DEFAULT_PAGE, 1, PAGE_LIMIT);
        long now = Time.currentTimeMillis();
        boolean csv = wantsCsv(headers);
        if (!csv || first != null || position != null || max != null) {
            // One more row than asked tells whether there is a next page.
            List<AppPasswordInventory.Row> rows = position != null ? inventory().after(filter, now, position, size + 1)
                    : inventory().page(filter, now, from, size + 1);
            List<InventoryRepresentation> page = rows.stream().limit(size).map(InventoryRepresentation::of).toList();
            Response.ResponseBuilder answer = csv ? csv(page) : Response.ok(page, MediaType.APPLICATION_JSON_TYPE);
            if (rows.size() > size) {
                String cursor = rows.get(size - 1).position().cursor();
                answer.link(session.getContext().getUri().getRequestUriBuilder().replaceQueryParam("first")
                        .replaceQueryParam("after", cursor).build(), "next");
            }
            return answer.build();
        }
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String realmId = realm.getId();
        StreamingOutput everything = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            InventoryCsv.header(writer);
            AppPasswordInventory.Position last = null;
            List<AppPasswordInventory.Row> rows;
            do {
                AppPasswordInventory.Position behind = last;
                rows = KeycloakModelUtils.runJobInTransactionWithResult(factory, tx ->
                        new AppPasswordInventory(tx, tx.realms().getRealm(realmId)).after(filter, now, behind, PAGE_LIMIT));
                for (AppPasswordInventory.Row row : rows) {
                    InventoryCsv.row(writer, InventoryRepresentation.of(row));
                }
                writer.flush();
                last = rows.isEmpty() ? null : rows.get(rows.size() - 1).position();
            } while (rows.size() == PAGE_LIMIT);
        };
        return csvAttachment(Response.ok(everything, CSV + ";charset=utf-8")).build();
    }

    private static Response.ResponseBuilder csv(List<InventoryRepresentation> page) {
        StreamingOutput body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            InventoryCsv.header(writer);
            for (InventoryRepresentation row : page) {
                InventoryCsv.row(writer, row);
            }
            writer.flush();
        };
        return csvAttachment(Response.ok(body, CSV + ";charset=utf-8"));
    }

    private static Response.ResponseBuilder csvAttachment(Response.ResponseBuilder answer) {
        return answer.header("Content-Disposition", "attachment; filename=\"app-passwords.csv\"");
    }

    /** A blank {@code after} (a script's empty variable) means from the start, like none. */
    private AppPasswordInventory.Position position(String after) {
        if (after == null || after.isBlank()) {
            return null;
        }
        try {
            return AppPasswordInventory.Position.ofCursor(after.strip());
        } catch (IllegalArgumentException e) {
            throw refused(AppPasswordError.CURSOR_INVALID);
        }
    }

    /**
     * Revokes every app password matching the filters (at least one, so that a bare DELETE cannot wipe the
     * realm): a REMOVE_CREDENTIAL user event per app password and one admin event for the call.
     */
    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Integer> revokeMatching(@QueryParam("search") String search,
                                               @QueryParam("neverUsed") String neverUsed,
                                               @QueryParam("unusedDays") String unusedDays,
                                               @QueryParam("expiringDays") String expiringDays,
                                               @QueryParam("expired") String expired) {
        auth.users().requireManage();
        InventoryFilter filter = filter(search, neverUsed, unusedDays, expiringDays, expired);
        if (filter.isEmpty()) {
            throw refused(AppPasswordError.FILTER_REQUIRED);
        }
        long now = Time.currentTimeMillis();
        int revoked = 0;
        AppPasswordInventory.Position last = null;
        List<AppPasswordInventory.Row> rows;
        do {
            rows = inventory().after(filter, now, last, PAGE_LIMIT);
            for (AppPasswordInventory.Row row : rows) {
                UserModel user = session.users().getUserById(realm, row.userId());
                AppPasswordCredentialModel credential = user == null ? null : provider().get(user, row.id()).orElse(null);
                if (credential != null && appPasswords().revoke(user, credential, EndReason.REVOKED_IN_BULK, userEvent(user))) {
                    revoked++;
                }
            }
            last = rows.isEmpty() ? null : rows.get(rows.size() - 1).position();
        } while (rows.size() == PAGE_LIMIT);
        Map<String, Object> representation = new LinkedHashMap<>();
        representation.put("filter", filter);
        representation.put("revoked", revoked);
        adminEvent.clone(session)
                .operation(OperationType.DELETE)
                .resourcePath(AdminAppPasswordResourceProviderFactory.PROVIDER_ID)
                .representation(representation)
                .success();
        return Map.of("revoked", revoked);
    }

    /**
     * The sources refused now for sending too many wrong values (newest first), and until when: the addresses
     * a firewall may want too. The LOGIN_ERROR events with error {@code source_throttled} tell the rest.
     */
    @GET
    @Path("throttled-sources")
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, String>> throttledSources() {
        auth.users().requireView();
        return new SourceThrottle(session, realm, RealmPolicy.attacks(realm)).throttled().stream()
                .map(t -> Map.of("ip", t.ip(), "until", Instant.ofEpochSecond(t.until()).toString()))
                .toList();
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
                .orElseThrow(() -> refused(AppPasswordError.NOT_FOUND));
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

    private InventoryFilter filter(String search, String neverUsed, String unusedDays, String expiringDays,
                                          String expired) {
        if (search != null && search.length() > MAX_SEARCH) {
            throw refused(AppPasswordError.SEARCH_TOO_LONG, String.valueOf(MAX_SEARCH));
        }
        return new InventoryFilter(search, bool("neverUsed", neverUsed),
                unusedDays == null ? null : number("unusedDays", unusedDays, 0, 0, AppPasswordPolicy.LIMIT_DAYS),
                expiringDays == null ? null : number("expiringDays", expiringDays, 0, 0, AppPasswordPolicy.LIMIT_DAYS),
                bool("expired", expired));
    }

    private boolean bool(String name, String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw refused(AppPasswordError.NOT_BOOLEAN, name);
    }

    private int number(String name, String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below like an out-of-range number
        }
        throw refused(AppPasswordError.NOT_NUMBER, name, String.valueOf(min), String.valueOf(max));
    }

    /** CSV only when the client prefers it to JSON; a bare {@code *}{@code /*} gets JSON. */
    private static boolean wantsCsv(HttpHeaders headers) {
        MediaType csv = MediaType.valueOf(CSV);
        for (MediaType type : headers.getAcceptableMediaTypes()) {
            if (type.isWildcardType() || MediaType.APPLICATION_JSON_TYPE.isCompatible(type)) {
                return false;
            }
            if (!type.isWildcardSubtype() && csv.isCompatible(type)) {
                return true;
            }
        }
        return false;
    }

    private AppPasswordInventory inventory() {
        return new AppPasswordInventory(session, realm);
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
            throw refused(AppPasswordError.USER_NOT_FOUND);
        }
        return user;
    }

    /** A refusal in the admin's language (their locale, else the request's). */
    private WebApplicationException refused(AppPasswordError error, Object... parameters) {
        return ErrorResponses.error(session, auth.adminAuth().getUser(), error, parameters);
    }

    private AppPasswords appPasswords() {
        return new AppPasswords(session, realm);
    }

    private AppPasswordCredentialProvider provider() {
        return AppPasswordCredentialProvider.of(session);
    }
}
