package io.apppasswords.keycloak.credential;

/**
 * A request to create an app password that breaks a rule. The message is a message key from the theme's
 * {@code messages_*.properties}, so every surface can show it in the user's language.
 */
public class AppPasswordException extends RuntimeException {

    private final String field;

    public AppPasswordException(String field, String messageKey) {
        super(messageKey, null, false, false);
        this.field = field;
    }

    /** The input that caused it ({@code name}, ...), for per-field errors. */
    public String getField() {
        return field;
    }

    public String getMessageKey() {
        return getMessage();
    }
}
