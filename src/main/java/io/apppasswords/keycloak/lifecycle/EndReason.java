package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordError;

/**
 * Why an app password ended: the one vocabulary for it. Its {@link #text} is the {@code reason} detail of the
 * REMOVE_CREDENTIAL event and of the LOGIN_ERROR of a later login that still presents it, whose error is its
 * {@link #refusal}; its {@link #name} is what the record of the ended app password keeps; its
 * {@link #messageKey} says it in the user's notice.
 */
public enum EndReason {

    DELETED_BY_USER("deleted by user", AppPasswordError.APP_PASSWORD_DELETED),
    DELETED_BY_ADMIN("deleted by admin", AppPasswordError.APP_PASSWORD_DELETED),
    PASSWORD_CHANGED("password changed", AppPasswordError.APP_PASSWORD_REVOKED),
    SECOND_FACTOR_REMOVED("second factor removed", AppPasswordError.APP_PASSWORD_REVOKED),
    EXPIRED("expired", AppPasswordError.APP_PASSWORD_EXPIRED),
    /** Its row was removed by a way no event reported (e.g. straight in the database). */
    DELETED("deleted", AppPasswordError.APP_PASSWORD_DELETED),
    /** Not used for the realm's {@code revokeUnusedDays}, ended by the clean-up. */
    UNUSED("unused", AppPasswordError.APP_PASSWORD_REVOKED),
    /** Matched an admin's bulk revocation ({@code DELETE /admin/realms/{realm}/app-passwords?…}). */
    REVOKED_IN_BULK("revoked in bulk by admin", AppPasswordError.APP_PASSWORD_DELETED);

    private final String text;
    private final AppPasswordError refusal;

    EndReason(String text, AppPasswordError refusal) {
        this.text = text;
        this.refusal = refusal;
    }

    public String text() {
        return text;
    }

    /** What a login with the ended app password is refused as. */
    public AppPasswordError refusal() {
        return refusal;
    }

    /** How the e-mail to the user says it. */
    public String messageKey() {
        return "appPasswordEnded_" + name();
    }

    /** The reason a record holds (its {@link #name()}); {@link #DELETED} if it holds none. */
    static EndReason of(String name) {
        if (name != null) {
            for (EndReason reason : values()) {
                if (reason.name().equals(name)) {
                    return reason;
                }
            }
        }
        return DELETED;
    }
}
