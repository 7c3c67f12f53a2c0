package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What {@code src/test/resources/demo-realm.json} sets up, named once for the tests, the benchmark and the
 * demo, and the bootstrap admin of realm master that every test Keycloak gets.
 */
public final class DemoRealm {

    public static final String NAME = "demo";
    /** Classpath resource imported as realm {@value #NAME}. */
    public static final String RESOURCE = "/demo-realm.json";

    /** Realm master's admin (Keycloak's bootstrap admin). */
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    /** The mail server's client: direct grant bound to {@value #APP_PASSWORDS_ONLY}. */
    public static final String MAIL = "mail-server";
    public static final String MAIL_SECRET = "mail-server-secret";
    /** Direct grant bound to "app password or password + otp". */
    public static final String MIXED = "mail-mixed";
    public static final String MIXED_SECRET = "mail-mixed-secret";
    /** The reverse proxy's client for forward-auth checks: bound to {@value #APP_PASSWORDS_ONLY}, a trusted forwarder. */
    public static final String PROXY = "http-proxy";
    public static final String PROXY_SECRET = "http-proxy-secret";
    /** Public client with Keycloak's stock direct grant (password, then OTP if the user has one). */
    public static final String CLI = "demo-cli";
    /** The direct-grant flow that takes app passwords and nothing else. */
    public static final String APP_PASSWORDS_ONLY = "app passwords only";

    private DemoRealm() {
    }

    /** Puts the realm file into {@code importDir}, where {@code kc.sh --import-realm} reads it. */
    static void copyInto(Path importDir) throws IOException {
        Files.createDirectories(importDir);
        try (InputStream in = DemoRealm.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Test resource " + RESOURCE + " not on the classpath");
            }
            Files.copy(in, importDir.resolve("demo-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
