package io.apppasswords.keycloak.lifecycle;

/**
 * Event details this extension writes, next to Keycloak's own {@link org.keycloak.events.Details}. None of
 * them ever holds a secret.
 */
public final class AppPasswordDetails {

    /** The name of the app password used or changed. */
    public static final String APP_PASSWORD_NAME = "app_password_name";

    private AppPasswordDetails() {
    }
}
