package io.apppasswords.keycloak.lifecycle;

import org.keycloak.common.Version;

/**
 * Behaviour of Keycloak that differs between the lines this JAR runs on (26.4 to 26.7) and that the extension
 * has to follow, read from the running server's version (docs/RELIABILITY.md).
 */
final class KeycloakLine {

    /**
     * Before 26.7 Keycloak clears a user's login failures, and with them a temporary lockout, after every
     * successful login through a flow, an app-password grant included.
     */
    static final boolean CLEARS_LOCKOUT_ON_ANY_LOGIN = !atLeast(Version.VERSION, 26, 7);

    private KeycloakLine() {
    }

    /**
     * Whether {@code version} ({@code 26.4.0}, {@code 26.7.3}, {@code 26.8.0-SNAPSHOT}) is {@code major.minor}
     * or later; one that cannot be read counts as later (a development build).
     */
    static boolean atLeast(String version, int major, int minor) {
        String[] parts = version == null ? new String[0] : version.split("[.-]");
        try {
            int actualMajor = Integer.parseInt(parts[0]);
            int actualMinor = Integer.parseInt(parts[1]);
            return actualMajor > major || actualMajor == major && actualMinor >= minor;
        } catch (RuntimeException unreadable) {
            return true;
        }
    }
}
