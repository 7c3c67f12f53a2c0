package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.lifecycle.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.lifecycle.AppPasswordInventory;
import io.apppasswords.keycloak.lifecycle.AppPasswords;
import io.apppasswords.keycloak.lifecycle.InventoryFilter;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import io.apppasswords.keycloak.lifecycle.EndReason;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
     * client prefers {@code text/csv} (everything unless {@code first} or {@code max} is given), streamed in
     * pages of {@value #PAGE_LIMIT} read in transactions of their own.
     */
    @GET
    @Produces({MediaType.APPLICATION_JSON, CSV})
    public Response inventory(@Context HttpHeaders headers, @QueryParam("search") String search,
                              @QueryParam("neverUsed") String neverUsed, @QueryParam("unusedDays") String unusedDays,
                              @QueryParam("expiringDays") String expiringDays, @QueryParam("expired") String expired,
                              @QueryParam("first") String first, @QueryParam("max") String max) {
        auth.users().requireView();
        InventoryFilter filter = filter(search, neverUsed, unusedDays, expiringDays, expired);
        int from = number("first", first, 0, 0, Integer.MAX_VALUE);
        int size = number("max", max, DEFAULT_PAGE, 1, PAGE_LIMIT);
        long now = Time.currentTimeMillis();
        if (!wantsCsv(headers)) {
            return Response.ok(inventory().page(filter, now, from, size).stream().map(InventoryRepresentation::of).toList(),
                    MediaType.APPLICATION_JSON_TYPE).build();
        }
        boolean paged = first != null || max != null;
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String realmId = realm.getId();
        StreamingOutput csv = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            InventoryCsv.header(writer);
            AppPasswordInventory.Row last = null;
            List<AppPasswordInventory.Row> rows;
            do {
                AppPasswordInventory.Row after = last;
                rows = KeycloakModelUtils.runJobInTransactionWithResult(factory, tx -> {
                    AppPasswordInventory inventory = new AppPasswordInventory(tx, tx.realms().getRealm(realmId));
                    return paged ? inventory.page(filter, now, from, size) : inventory.after(filter, now, after, PAGE_LIMIT);
                });
                for (AppPasswordInventory.Row row : rows) {
                    InventoryCsv.row(writer, InventoryRepresentation.of(row));
                }
                writer.flush();
                last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            } while (!paged && rows.size() == PAGE_LIMIT);
        };
        return Response.ok(csv, CSV + ";charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"app-passwords.csv\"").build();
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
            throw ErrorResponses.error(AppPasswordError.FILTER_REQUIRED,
                    "Give at least one filter (search, neverUsed, unusedDays, expiringDays, expired).");
        }
        long now = Time.currentTimeMillis();
        int revoked = 0;
        AppPasswordInventory.Row last = null;
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
            last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
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

    private static InventoryFilter filter(String search, String neverUsed, String unusedDays, String expiringDays,
                                          String expired) {
        if (search != null && search.length() > MAX_SEARCH) {
            throw ErrorResponses.error(AppPasswordError.INVALID_REQUEST, "search: at most " + MAX_SEARCH + " characters.");
        }
        return new InventoryFilter(search, bool("neverUsed", neverUsed),
                unusedDays == null ? null : number("unusedDays", unusedDays, 0, 0, AppPasswordPolicy.LIMIT_DAYS),
                expiringDays == null ? null : number("expiringDays", expiringDays, 0, 0, AppPasswordPolicy.LIMIT_DAYS),
                bool("expired", expired));
    }

    private static boolean bool(String name, String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw ErrorResponses.error(AppPasswordError.INVALID_REQUEST, name + ": true or false.");
    }

    private static int number(String name, String value, int fallback, int min, int max) {
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
        throw ErrorResponses.error(AppPasswordError.INVALID_REQUEST,
                name + ": a whole number from " + min + " to " + max + ".");
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
