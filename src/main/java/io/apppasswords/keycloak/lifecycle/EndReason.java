package io.apppasswords.keycloak.lifecycle;

/** Why an app password ended; its text is the {@code reason} detail of the REMOVE_CREDENTIAL event. */
public enum EndReason {

    DELETED_BY_USER("deleted by user"),
    DELETED_BY_ADMIN("deleted by admin"),
    PASSWORD_CHANGED("password changed"),
    SECOND_FACTOR_REMOVED("second factor removed"),
    EXPIRED("expired"),
    /** Not used for the realm's {@code revokeUnusedDays}, ended by the clean-up. */
    UNUSED("unused"),
    /** Matched an admin's bulk revocation ({@code DELETE /admin/realms/{realm}/app-passwords?…}). */
    REVOKED_IN_BULK("revoked in bulk by admin");

    private final String text;

    EndReason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
