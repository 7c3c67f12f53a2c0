package io.apppasswords.keycloak;

/**
 * Event details and user-session notes this extension writes, next to Keycloak's own
 * {@link org.keycloak.events.Details}. None of them ever holds a secret.
 */
public final class AppPasswordDetails {

    /** Event detail: the name of the app password used or changed. */
    public static final String APP_PASSWORD_NAME = "app_password_name";

    /**
     * User-session note: the id of the app password a session was created with. Its presence marks a
     * session (and every token minted from it) as an app-password session.
     */
    public static final String NOTE_APP_PASSWORD_ID = "app_password_id";

    /**
     * User-session note: the user name, for a mail server to read from the grant response through
     * Keycloak's "User Session Note" mapper (transient sessions cannot be introspected).
     */
    public static final String NOTE_USERNAME = "app_password_username";

    private AppPasswordDetails() {
    }
}
