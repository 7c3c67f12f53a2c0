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
     * On LOGIN and LOGIN_ERROR: the protocol the trusted mail server or proxy said it serves (an
     * {@code AppPasswordProtocol} id), or {@code none} when the client did not name one of them.
     */
    public static final String APP_PASSWORD_PROTOCOL = "app_password_protocol";

    /** On a download of the device set-up: what was downloaded ({@code profile}). */
    public static final String DOWNLOAD = "app_password_download";

    /** On a download of the device set-up: which link it came through ({@code page} or {@code qr}). */
    public static final String DOWNLOAD_VIA = "app_password_download_via";

    /**
     * On LOGIN and LOGIN_ERROR of a login with an app password: the address the rules applied to (the mail
     * app's as a trusted mail server forwarded it, else the caller's), or {@code none} when a trusted mail
     * server sent none. The event's own IP is the caller's, i.e. the mail server's. What fail2ban should read.
     */
    public static final String SOURCE_IP = "app_password_source_ip";

    private AppPasswordDetails() {
    }
}
