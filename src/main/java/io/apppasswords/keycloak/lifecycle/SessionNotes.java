package io.apppasswords.keycloak.lifecycle;

/** User-session notes of a session opened with an app password. None of them ever holds a secret. */
public final class SessionNotes {

    /**
     * The id of the app password a session was created with. Its presence marks a session (and every token
     * minted from it) as an app-password session, which may not manage app passwords.
     */
    public static final String APP_PASSWORD_ID = "app_password_id";

    /**
     * The user name, for a mail server to read from the grant response through Keycloak's "User Session
     * Note" mapper (transient sessions cannot be introspected).
     */
    public static final String USERNAME = "app_password_username";

    private SessionNotes() {
    }
}
