package io.apppasswords.keycloak.credential;

import io.apppasswords.keycloak.policy.AppPasswordPolicy;

/**
 * A request to create an app password that breaks a rule. The message is a message key from the theme's
 * {@code messages_*.properties}, so every surface can show it in the user's language.
 */
public class AppPasswordException extends RuntimeException {

    private final String field;
    private final transient Object[] parameters;

    public AppPasswordException(String field, String messageKey, Object... parameters) {
        super(messageKey, null, false, false);
        this.field = field;
        this.parameters = parameters == null ? new Object[0] : parameters.clone();
    }

    /** The input that caused it ({@code name}, {@code expiresAt}, {@code clients}), or {@code null} for the request as a whole. */
    public String getField() {
        return field;
    }

    public String getMessageKey() {
        return getMessage();
    }

    /**
     * The short error code APIs and events use ({@code not_allowed}, {@code limit_reached}, ...), the same
     * for every surface so refusals can be counted by kind.
     */
    public String getErrorCode() {
        return switch (getMessageKey()) {
            case AppPasswordPolicy.ERROR_NOT_ALLOWED, AppPasswordPolicy.ERROR_SECOND_FACTOR -> "not_allowed";
            case AppPasswordPolicy.ERROR_LIMIT -> "limit_reached";
            case AppPasswordName.ERROR_DUPLICATE -> "duplicate_name";
            case AppPasswordPolicy.ERROR_EXPIRY_PAST, AppPasswordPolicy.ERROR_EXPIRY_TOO_LATE -> "invalid_expiry";
            case AppPasswordPolicy.ERROR_CLIENT -> "invalid_client";
            case AppPasswordCredentialProvider.ERROR_BUSY -> "try_again";
            default -> "invalid_name";
        };
    }

    /** The message's {@code {0}}, {@code {1}}... values. */
    public Object[] getParameters() {
        return parameters.clone();
    }
}
