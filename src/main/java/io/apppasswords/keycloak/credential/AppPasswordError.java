package io.apppasswords.keycloak.credential;

/**
 * Every refusal this extension answers with, in one place: the message key the pages and the APIs show (in
 * the caller's language), the short code APIs and events carry, and the creation page's form field it
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
    /** Parameter: the text that is no network. */
    NETWORK_INVALID("appPasswordNetworkInvalid", "invalid_network", Field.NETWORKS),
    /** Parameter: the most networks allowed. */
    NETWORKS_TOO_MANY("appPasswordNetworksTooMany", "invalid_network", Field.NETWORKS),
    /** The realm forbids app passwords usable from anywhere and has no default networks. */
    NETWORKS_REQUIRED("appPasswordNetworksRequired", "invalid_network", Field.NETWORKS),
    /** Another creation for the same user held the lease too long. */
    BUSY("appPasswordBusy", "try_again", null),

    // Refusals of the REST APIs alone: no page shows them; their text is in the caller's language all the same.
    /** No body, or one that is not a JSON object. */
    BODY_REQUIRED("appPasswordApiBodyRequired", "invalid_request", null),
    BODY_TOO_LARGE("appPasswordApiBodyTooLarge", "invalid_request", null),
    JSON_MALFORMED("appPasswordApiJsonMalformed", "invalid_request", null),
    /** Parameter: the field's name. */
    FIELD_UNKNOWN("appPasswordApiFieldUnknown", "invalid_request", null),
    FIELD_WRONG_TYPE("appPasswordApiFieldWrongType", "invalid_request", null),
    EXPIRY_UNREADABLE("appPasswordApiExpiryUnreadable", "invalid_expiry", null),
    NOT_FOUND("appPasswordApiNotFound", "not_found", null),
    USER_NOT_FOUND("appPasswordApiUserNotFound", "not_found", null),
    /** The inventory was asked for a page by position and by cursor at once. */
    FIRST_AND_AFTER("appPasswordApiFirstAndAfter", "invalid_request", null),
    CURSOR_INVALID("appPasswordApiCursorInvalid", "invalid_request", null),
    /** Parameter: the most characters allowed. */
    SEARCH_TOO_LONG("appPasswordApiSearchTooLong", "invalid_request", null),
    /** Parameter: the query parameter's name. */
    NOT_BOOLEAN("appPasswordApiNotBoolean", "invalid_request", null),
    /** Parameters: the query parameter's name, the least and the most allowed. */
    NOT_NUMBER("appPasswordApiNotNumber", "invalid_request", null),
    INVALID_TOKEN("appPasswordApiTokenRequired", "invalid_token", null),
    SERVICE_ACCOUNT("appPasswordApiServiceAccount", "insufficient_scope", null),
    AUDIENCE_MISSING("appPasswordApiAudienceMissing", "insufficient_scope", null),
    ROLE_MISSING("appPasswordApiRoleMissing", "insufficient_scope", null),
    APP_PASSWORD_TOKEN("appPasswordApiAppPasswordToken", "app_password_token", null),
    /** Parameter: the most seconds since the login. */
    REAUTHENTICATION_REQUIRED("appPasswordApiLoginTooOld", "reauthentication_required", null),
    INVALID_ORIGIN("appPasswordApiOriginNotAllowed", "invalid_origin", null),
    /** A bulk revocation without any filter: it would revoke every app password of the realm. */
    FILTER_REQUIRED("appPasswordApiFilterRequired", "filter_required", null),
    /** A reverse proxy that does not name a confidential client of the realm with its secret. */
    PROXY_UNKNOWN("appPasswordApiProxyUnknown", "invalid_client", null),
    /** A reverse proxy whose client has no App Password step in its direct-grant flow. */
    PROXY_WITHOUT_STEP("appPasswordApiProxyWithoutStep", "unauthorized_client", null),
    /**
     * Keycloak cannot decide: a store (the database, a user federation such as LDAP) does not answer. Also the
     * error of the login's event, so an outage is never taken for a wrong password.
     */
    TEMPORARILY_UNAVAILABLE("appPasswordApiUnavailable", "temporarily_unavailable", null),

    // A login with an app password that has ended: the client gets the wrong-password answer, the event this code.
    APP_PASSWORD_DELETED(null, "app_password_deleted", null),
    APP_PASSWORD_EXPIRED(null, "app_password_expired", null),
    APP_PASSWORD_REVOKED(null, "app_password_revoked", null),

    // Logins refused without checking or counting the value, as the client and protocol restrictions are.
    /** The source is outside the app password's networks, or a trusted forwarder sent no source. */
    NETWORK_NOT_ALLOWED(null, "network_not_allowed", null),
    /** The source sent too many distinct wrong values lately (not the user's fault: no lockout). */
    SOURCE_THROTTLED(null, "source_throttled", null);

    /** The creation page's form fields a refusal can belong to. */
    public static final class Field {
        public static final String NAME = "name";
        public static final String LIFETIME = "lifetimeDays";
        public static final String CLIENTS = "clients";
        public static final String PROTOCOLS = "protocols";
        public static final String NETWORKS = "networks";

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

    /** Theme message key, {@code null} for the login refusals, which only events name (the client gets the wrong-password answer). */
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
