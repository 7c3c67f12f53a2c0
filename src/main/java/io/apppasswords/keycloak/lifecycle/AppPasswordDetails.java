package io.apppasswords.keycloak.lifecycle;

/**
 * Event details this extension writes, next to Keycloak's own {@link org.keycloak.events.Details}. None of
 * them ever holds a secret.
 */
public final class AppPasswordDetails {

    /** The name of the app password used or changed. */
    public static final String APP_PASSWORD_NAME = "app_password_name";

    /**
     * On UPDATE_CREDENTIAL: the protocols a new app password is limited to, comma-separated, or {@code any}.
     */
    public static final String APP_PASSWORD_PROTOCOLS = "app_password_protocols";

    /**
     * On LOGIN and LOGIN_ERROR: the protocol the trusted mail server said it serves ({@code imap},
     * {@code pop3}, {@code smtp}, {@code sieve}), or {@code none} when the client did not name one of them.
     */
    public static final String APP_PASSWORD_PROTOCOL = "app_password_protocol";

    /**
     * On LOGIN and LOGIN_ERROR of a login with an app password: the address the rules applied to (the mail
     * app's as a trusted mail server forwarded it, else the caller's), or {@code none} when a trusted mail
     * server sent none. The event's own IP is the caller's, i.e. the mail server's. What fail2ban should read.
     */
    public static final String SOURCE_IP = "app_password_source_ip";

    private AppPasswordDetails() {
    }
}
