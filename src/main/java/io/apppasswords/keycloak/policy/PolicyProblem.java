package io.apppasswords.keycloak.policy;

/**
 * A setting the admin console must not save: which one, and what is wrong as one of the message keys
 * Keycloak's own validators use, so the admin console words it like its other refusals.
 */
public record PolicyProblem(String key, String messageKey, Object... parameters) {

    static final String INVALID_VALUE = "error-invalid-value";
    static final String NOT_A_NUMBER = "error-invalid-number";
    /** Parameters: the smallest and the largest allowed value. */
    static final String OUT_OF_RANGE = "error-number-out-of-range";
}
