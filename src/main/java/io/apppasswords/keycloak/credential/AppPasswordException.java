package io.apppasswords.keycloak.credential;

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

    /** The message's {@code {0}}, {@code {1}}... values. */
    public Object[] getParameters() {
        return parameters.clone();
    }
}
