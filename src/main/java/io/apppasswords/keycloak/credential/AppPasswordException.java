package io.apppasswords.keycloak.credential;

/** A refusal: which {@link AppPasswordError} and the values of its message's {@code {0}}, {@code {1}}... */
public class AppPasswordException extends RuntimeException {

    private final AppPasswordError error;
    private final transient Object[] parameters;

    public AppPasswordException(AppPasswordError error, Object... parameters) {
        super(error.name(), null, false, false);
        this.error = error;
        this.parameters = parameters == null ? new Object[0] : parameters.clone();
    }

    public AppPasswordError getError() {
        return error;
    }

    public Object[] getParameters() {
        return parameters.clone();
    }
}
