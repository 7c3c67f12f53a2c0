package io.apppasswords.keycloak.it;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordSecret;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Throw-away users for tests that must not disturb the demo users (lockouts, disabling, revocation). */
public final class Users {

    public static final String PASSWORD = "main-password-1";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private Users() {
    }

    public static RealmResource realm() {
        return KeycloakServer.get().admin().realm(DemoRealm.NAME);
    }

    /** A new enabled user with {@link #PASSWORD} and no second factor; returns the username. */
    public static String create(String prefix) {
        return create(prefix, null);
    }

    /** A new user with {@link #PASSWORD} and, if {@code totp} is given, an OTP credential with its secret. */
    public static String create(String prefix, Totp totp) {
        return create(realm(), prefix, totp);
    }

    /** As {@link #create(String, Totp)}, in the given realm (e.g. of another Keycloak than the shared one). */
    public static String create(RealmResource realm, String prefix, Totp totp) {
        String username = prefix + "-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        UserRepresentation user = representation(username, PASSWORD);
        if (totp != null) {
            CredentialRepresentation otp = new CredentialRepresentation();
            otp.setType("otp");
            otp.setUserLabel("Test authenticator");
            otp.setSecretData("{\"value\":\"" + totp.secret() + "\"}");
            otp.setCredentialData("{\"subType\":\"totp\",\"digits\":6,\"period\":30,\"algorithm\":\"HmacSHA1\",\"counter\":0}");
            user.setCredentials(List.of(user.getCredentials().get(0), otp));
        }
        try (var response = realm.users().create(user)) {
            assertEquals(201, response.getStatus(), "create user " + username);
        }
        return username;
    }

    /** An enabled user with a verified e-mail address and a permanent {@code password}, to be created. */
    public static UserRepresentation representation(String username, String password) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(username + "@example.com");
        user.setFirstName("Test");
        user.setLastName("User");
        user.setEmailVerified(true);
        user.setEnabled(true);
        user.setCredentials(List.of(password(password)));
        return user;
    }

    /** A permanent password, as an admin sets it. */
    public static CredentialRepresentation password(String value) {
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue(value);
        password.setTemporary(false);
        return password;
    }

    public static String id(String username) {
        List<UserRepresentation> found = realm().users().searchByUsername(username, true);
        assertEquals(1, found.size(), username);
        return found.get(0).getId();
    }

    public static UserResource get(String username) {
        return realm().users().get(id(username));
    }

    /** A user whose locale attribute is {@code locale}: Keycloak resolves it before the browser's language. */
    public static String speaking(String prefix, String locale) {
        String username = create(prefix);
        UserRepresentation rep = get(username).toRepresentation();
        rep.setAttributes(Map.of("locale", List.of(locale)));
        get(username).update(rep);
        return username;
    }

    /** A fresh OTP generator with a random secret, for {@link #create(String, Totp)}. */
    public static Totp newTotp() {
        return new Totp("test-" + UUID.randomUUID().toString().replace("-", ""), 6, 30, "HmacSHA1");
    }

    /** An account-console-like token (audience account, role manage-account) from the stock direct grant. */
    public static String accountToken(String username, String password) {
        return accountToken(username, password, null);
    }

    public static String accountToken(String username, String password, Totp totp) {
        HttpReply r = TokenClient.demo().passwordGrant(DemoRealm.CLI, null, username, password,
                totp == null ? null : totp.fresh());
        assertTrue(r.ok(), r.toString());
        return r.accessToken();
    }

    /** Failures Keycloak's brute-force detector holds for the user. */
    public static int failures(String username) {
        Object n = realm().attackDetection().bruteForceUserStatus(id(username)).get("numFailures");
        return n == null ? 0 : ((Number) n).intValue();
    }

    /** Whether Keycloak's brute-force detector has the user locked (temporarily or permanently). */
    public static boolean lockedOut(String username) {
        return Boolean.TRUE.equals(realm().attackDetection().bruteForceUserStatus(id(username)).get("disabled"))
                || !get(username).toRepresentation().isEnabled();
    }

    /** Creates an app password through the self-service API and returns the secret. */
    public static String createAppPassword(String username, String name) {
        return createAppPassword(username, name, null);
    }

    public static String createAppPassword(String username, String name, Totp totp) {
        HttpReply reply = AppPasswordApi.create(accountToken(username, PASSWORD, totp), name);
        assertEquals(201, reply.status(), reply.toString());
        return reply.json().path("password").asText();
    }

    public static List<CredentialRepresentation> appPasswords(String username) {
        return get(username).credentials().stream().filter(c -> "app-password".equals(c.getType())).toList();
    }

    /** The credential id of the user's app password named {@code name}. */
    public static String appPasswordId(String username, String name) {
        return appPasswords(username).stream().filter(c -> name.equals(c.getUserLabel()))
                .findFirst().orElseThrow().getId();
    }

    /**
     * A new user without a password holding the given app passwords, imported through the admin API as a realm
     * import brings them: with creation and last-use times no test can wait for. Returns the username.
     */
    public static String createWithAppPasswords(String prefix, List<AppPasswordCredentialModel> appPasswords) {
        return createWithAppPasswords(prefix, Map.of(), appPasswords);
    }

    /** As above, with user attributes (e.g. {@code locale}) set at creation, before the clean-up job can see it. */
    public static String createWithAppPasswords(String prefix, java.util.Map<String, List<String>> attributes,
                                                List<AppPasswordCredentialModel> appPasswords) {
        String username = prefix + "-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(username + "@example.com");
        user.setEmailVerified(true);
        user.setEnabled(true);
        user.setAttributes(attributes);
        user.setCredentials(appPasswords.stream().map(a -> {
            CredentialRepresentation c = new CredentialRepresentation();
            c.setType(AppPasswordCredentialModel.TYPE);
            c.setUserLabel(a.getUserLabel());
            c.setCreatedDate(a.getCreatedDate());
            c.setCredentialData(a.getCredentialData());
            c.setSecretData(a.getSecretData());
            return c;
        }).toList());
        try (var response = realm().users().create(user)) {
            assertEquals(201, response.getStatus(), "create user " + username);
        }
        return username;
    }

    /** An app password to import: created {@code createdDaysAgo}, last used {@code usedDaysAgo} (null: never), expiring in {@code expiresInDays} (null: never). */
    public static AppPasswordCredentialModel imported(String name, double createdDaysAgo, Double usedDaysAgo, Double expiresInDays) {
        long now = System.currentTimeMillis();
        AppPasswordCredentialModel model = AppPasswordCredentialModel.create(name, AppPasswordSecret.generate(),
                now - days(createdDaysAgo), expiresInDays == null ? null : now + days(expiresInDays), null, null);
        if (usedDaysAgo != null) {
            model.getData().setLastUsedAt(now - days(usedDaysAgo));
            model.getData().setLastUsedIp("192.0.2.7");
            model.getData().setLastUsedClient("mail-server");
            model.writeData();
        }
        return model;
    }

    private static long days(double days) {
        return (long) (days * 86_400_000L);
    }
}
