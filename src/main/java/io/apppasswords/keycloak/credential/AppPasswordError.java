package io.apppasswords.keycloak.credential;

/**
 * Every refusal this extension answers with, in one place: the message key the pages show (and the APIs
 * turn into English text), the short code APIs and events carry, and the creation page's form field it
 * belongs to. A new refusal is one more constant here; nothing maps a key to a code anywhere else, so none
 * can fall through to a default. The HTTP status of each is the REST layer's ({@code rest/ErrorStatus}),
 * where the compiler demands one for every constant.
 */
public enum AppPasswordError {

    NAME_MISSING("appPasswordNameMissing", "invalid_name", Field.NAME),
    NAME_TOO_LONG("appPasswordNameTooLong", "invalid_name", Field.NAME),
    NAME_INVALID("appPasswordNameInvalid", "invalid_name", Field.NAME),
    NAME_DUPLICATE("appPasswordNameDuplicate", "duplicate_name", Field.NAME),
    /** The label of another kind of credential (OTP device, security key, passkey). */
    NAME_USED_BY_OTHER_CREDENTIAL("appPasswordNameUsedByOtherCredential", "duplicate_name", Field.NAME),
    NOT_ALLOWED("appPasswordNotAllowed", "not_allowed", null),
    SECOND_FACTOR_REQUIRED("appPasswordSecondFactorRequired", "not_allowed", null),
    LIMIT_REACHED("appPasswordLimitReached", "limit_reached", null),
    EXPIRY_PAST("appPasswordExpiryPast", "invalid_expiry", Field.LIFETIME),
    EXPIRY_TOO_LATE("appPasswordExpiryTooLate", "invalid_expiry", Field.LIFETIME),
    CLIENT_NOT_ALLOWED("appPasswordClientNotAllowed", "invalid_client", Field.CLIENTS),
    PROTOCOL_UNKNOWN("appPasswordProtocolUnknown", "invalid_protocol", Field.PROTOCOLS),
    PROTOCOLS_NONE("appPasswordProtocolsNone", "invalid_protocol", Field.PROTOCOLS),
    /** Another creation for the same user held the lease too long. */
    BUSY("appPasswordBusy", "try_again", null),

    // Refusals of the REST APIs alone: no page shows them, so they have no message key.
    INVALID_REQUEST(null, "invalid_request", null),
    BODY_TOO_LARGE(null, "invalid_request", null),
    EXPIRY_UNREADABLE(null, "invalid_expiry", null),
    NOT_FOUND(null, "not_found", null),
    INVALID_TOKEN(null, "invalid_token", null),
    INSUFFICIENT_SCOPE(null, "insufficient_scope", null),
    APP_PASSWORD_TOKEN(null, "app_password_token", null),
    REAUTHENTICATION_REQUIRED(null, "reauthentication_required", null),
    INVALID_ORIGIN(null, "invalid_origin", null),

    // A login with an app password that has ended: the client gets the wrong-password answer, the event this code.
    APP_PASSWORD_DELETED(null, "app_password_deleted", null),
    APP_PASSWORD_EXPIRED(null, "app_password_expired", null),
    APP_PASSWORD_REVOKED(null, "app_password_revoked", null),

    /** A bulk revocation without any filter: it would revoke every app password of the realm. */
    FILTER_REQUIRED(null, "filter_required", null);

    /** The creation page's form fields a refusal can belong to. */
    public static final class Field {
        public static final String NAME = "name";
        public static final String LIFETIME = "lifetimeDays";
        public static final String CLIENTS = "clients";
        public static final String PROTOCOLS = "protocols";

        private Field() {
        }
    }

    private final String messageKey;
    private final String code;
    private final String field;

    AppPasswordError(String messageKey, String code, String field) {
        this.messageKey = messageKey;
        this.code = code;
        this.field = field;
    }

    /** Theme message key, {@code null} for refusals only the REST APIs give. */
    public String messageKey() {
        return messageKey;
    }

    /** The code APIs answer ({@code error}) and events record, the same on every surface. */
    public String code() {
        return code;
    }

    /** The creation page's field the message is shown under, {@code null} for the request as a whole. */
    public String field() {
        return field;
    }
}
