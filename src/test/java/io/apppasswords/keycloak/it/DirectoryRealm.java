package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.Response;

import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import static io.apppasswords.keycloak.it.DemoRealm.MAIL;
import static io.apppasswords.keycloak.it.DemoRealm.MAIL_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A realm like the demo realm (same clients, flows and app-password policy, no users) whose users come from
 * {@link Slapd} through Keycloak's LDAP user federation, configured over the admin REST API as an admin
 * would in the admin console: one realm per storage mode, created on first use.
 */
public final class DirectoryRealm {

    /** Import on or off, and whether Keycloak may write to the directory. */
    public enum Mode {
        IMPORT_WRITABLE(true, "WRITABLE"),
        IMPORT_READ_ONLY(true, "READ_ONLY"),
        NO_IMPORT_WRITABLE(false, "WRITABLE"),
        NO_IMPORT_READ_ONLY(false, "READ_ONLY");

        final boolean importEnabled;
        final String editMode;

        Mode(boolean importEnabled, String editMode) {
            this.importEnabled = importEnabled;
            this.editMode = editMode;
        }

        public boolean imports() {
            return importEnabled;
        }

        public boolean writable() {
            return editMode.equals("WRITABLE");
        }
    }

    /** The attribute the realm's policy names, mapped from OpenLDAP's ppolicy attribute of the same name. */
    public static final String PASSWORD_CHANGED_ATTRIBUTE = "pwdChangedTime";

    private static final Pattern UUID_PATTERN = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Map<Mode, DirectoryRealm> REALMS = new ConcurrentHashMap<>();

    private final String name;
    private final String ldapId;
    private final Mode mode;

    private DirectoryRealm(String name, String ldapId, Mode mode) {
        this.name = name;
        this.ldapId = ldapId;
        this.mode = mode;
    }

    public static DirectoryRealm of(Mode mode) {
        return REALMS.computeIfAbsent(mode, DirectoryRealm::create);
    }

    public String name() {
        return name;
    }

    public Mode mode() {
        return mode;
    }

    public RealmResource admin() {
        return KeycloakServer.get().admin().realm(name);
    }

    public TokenClient tokens() {
        return new TokenClient(KeycloakServer.get().baseUrl(), name);
    }

    public String url() {
        return KeycloakServer.get().baseUrl() + "/realms/" + name;
    }

    /** Keycloak's "Sync changed users" of the LDAP provider, as the admin console's button or its timer runs it. */
    public void syncChangedUsers() {
        admin().userStorage().syncUsers(ldapId, "triggerChangedUsersSync");
    }

    private static DirectoryRealm create(Mode mode) {
        String name = "ldap-" + mode.name().toLowerCase().replace('_', '-');
        KeycloakServer server = KeycloakServer.get();
        Slapd ldap = Slapd.get();
        RealmRepresentation realm = demoCopy(name);
        server.admin().realms().create(realm);
        RealmResource resource = server.admin().realm(name);

        ComponentRepresentation provider = new ComponentRepresentation();
        provider.setName("openldap");
        provider.setProviderId("ldap");
        provider.setProviderType("org.keycloak.storage.UserStorageProvider");
        provider.setParentId(resource.toRepresentation().getId());
        provider.setConfig(config(Map.ofEntries(
                Map.entry("enabled", "true"), Map.entry("priority", "0"),
                Map.entry("vendor", "other"), Map.entry("connectionUrl", ldap.url()),
                Map.entry("authType", "simple"), Map.entry("bindDn", Slapd.ADMIN_DN),
                Map.entry("bindCredential", Slapd.ADMIN_PASSWORD), Map.entry("usersDn", Slapd.PEOPLE_DN),
                Map.entry("searchScope", "1"), Map.entry("usernameLDAPAttribute", "uid"),
                Map.entry("rdnLDAPAttribute", "uid"), Map.entry("uuidLDAPAttribute", "entryUUID"),
                Map.entry("userObjectClasses", "inetOrgPerson, organizationalPerson"),
                Map.entry("editMode", mode.editMode), Map.entry("importEnabled", String.valueOf(mode.importEnabled)),
                Map.entry("syncRegistrations", "false"), Map.entry("pagination", "false"),
                Map.entry("fullSyncPeriod", "-1"), Map.entry("changedSyncPeriod", "-1"),
                Map.entry("cachePolicy", "DEFAULT"), Map.entry("trustEmail", "true"))));
        String ldapId = created(resource.components().add(provider));

        // Keycloak's ordinary user-attribute mapper, reading the operational attribute on every load
        ComponentRepresentation mapper = new ComponentRepresentation();
        mapper.setName("password changed");
        mapper.setProviderId("user-attribute-ldap-mapper");
        mapper.setProviderType("org.keycloak.storage.ldap.mappers.LDAPStorageMapper");
        mapper.setParentId(ldapId);
        mapper.setConfig(config(Map.of("ldap.attribute", "pwdChangedTime",
                "user.model.attribute", PASSWORD_CHANGED_ATTRIBUTE, "read.only", "true",
                "always.read.value.from.ldap", "true", "is.mandatory.in.ldap", "false",
                "is.binary.attribute", "false")));
        created(resource.components().add(mapper));
        return new DirectoryRealm(name, ldapId, mode);
    }

    /** demo-realm.json under another name, without users, with fresh ids (kept consistent for flow bindings). */
    private static RealmRepresentation demoCopy(String name) {
        String text;
        try (InputStream in = DirectoryRealm.class.getResourceAsStream(DemoRealm.RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> ids = new HashMap<>();
        Matcher m = UUID_PATTERN.matcher(text);
        StringBuilder fresh = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(fresh, ids.computeIfAbsent(m.group(), id -> UUID.randomUUID().toString()));
        }
        m.appendTail(fresh);
        RealmRepresentation realm = Json.read(fresh.toString(), RealmRepresentation.class);
        realm.setId(null);
        realm.setRealm(name);
        realm.setDisplayName(name);
        realm.setUsers(null);
        // Each journey signs in with several codes; the default window of one step made it wait ~30 s for most.
        realm.setOtpPolicyLookAheadWindow(OTP_LOOK_AHEAD);
        realm.getRequiredActions().stream().filter(a -> a.getAlias().equals("app-password")).findFirst()
                .orElseThrow().getConfig().put("passwordChangedAttribute", PASSWORD_CHANGED_ATTRIBUTE);
        return realm;
    }

    private static MultivaluedHashMap<String, String> config(Map<String, String> values) {
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        values.forEach(config::putSingle);
        return config;
    }

    private static String created(Response response) {
        try (response) {
            assertEquals(201, response.getStatus(), () -> response.readEntity(String.class));
            String path = response.getLocation().getPath();
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    // ------------------------------------------------------------------ helpers for tests in these realms

    static final String DIRECTORY_PASSWORD = "directory-password-1";
    static final String OTP_LABEL = "Phone";
    /** The OTP look-around window of these realms, in steps. */
    static final int OTP_LOOK_AHEAD = 8;


    static String newDirectoryUser(String prefix) {
        String uid = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Slapd.get().addUser(uid, DIRECTORY_PASSWORD);
        return uid;
    }

    static String selfUrl(DirectoryRealm realm) {
        return realm.url() + "/app-passwords";
    }

    static HttpReply create(DirectoryRealm realm, String bearer, String name) {
        HttpReply reply = AppPasswordApi.send("POST", selfUrl(realm), bearer, "application/json",
                Json.write(Map.of("name", name)));
        if (reply.status() == 201) {
            AppPasswordApi.ISSUED.add(reply.json().path("password").asText());
        }
        return reply;
    }

    static String accountToken(DirectoryRealm realm, String user, String password, Totp totp) {
        HttpReply r = realm.tokens().passwordGrant("demo-cli", null, user, password, totp == null ? null : totp.fresh());
        assertTrue(r.ok(), r.toString());
        return r.accessToken();
    }

    static HttpReply mail(DirectoryRealm realm, String user, String password) {
        return realm.tokens().passwordGrant(DemoRealm.MAIL, DemoRealm.MAIL_SECRET, user, password);
    }

    static void assertRefused(HttpReply r) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_grant", r.error(), r.toString());
    }

    static UserResource user(DirectoryRealm realm, String username) {
        var found = realm.admin().users().searchByUsername(username, true);
        assertEquals(1, found.size(), username);
        return realm.admin().users().get(found.get(0).getId());
    }

    static List<CredentialRepresentation> appPasswords(DirectoryRealm realm, String username) {
        return user(realm, username).credentials().stream().filter(c -> "app-password".equals(c.getType())).toList();
    }

    /** Sets up TOTP on Keycloak's own page (kc_action CONFIGURE_TOTP) as the user would with an app. */
    static Totp configureTotp(DirectoryRealm realm, String uid) {
        Browser browser = new Browser(KeycloakServer.get().baseUrl());
        Browser.Page login = browser.authorize(realm.name(), "account-console", realm.url() + "/account/",
                "CONFIGURE_TOTP", Map.of());
        Browser.Page setup = browser.login(login, uid, DIRECTORY_PASSWORD, null);
        assertTrue(setup.hasForm("kc-totp-settings-form"), setup.describe());
        Browser.Form form = setup.form("kc-totp-settings-form");
        String secret = form.element().selectFirst("input[name=totpSecret]").val();
        Totp totp = new Totp(secret, 6, 30, "HmacSHA1", OTP_LOOK_AHEAD);
        Browser.Page done = form.set("totp", totp.fresh()).set("userLabel", OTP_LABEL).submit();
        assertTrue(done.redirected(), done.describe());
        return totp;
    }
}
