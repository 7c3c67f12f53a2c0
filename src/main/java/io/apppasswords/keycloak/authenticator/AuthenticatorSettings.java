package io.apppasswords.keycloak.authenticator;

import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.Constants;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The app-password step's settings as read from its execution's config; an unset or unreadable value keeps
 * its default. The admin console's form for them is {@link AppPasswordAuthenticatorFactory#getConfigProperties}.
 */
record AuthenticatorSettings(boolean transientSession, long lastUseIntervalMillis, List<String> trustedForwarders,
                             String forwardedIpHeader, String serviceHeader) {

    static final String TRANSIENT_SESSION = "transientSession";
    static final String LAST_USE_INTERVAL = "lastUseIntervalSeconds";
    static final String TRUSTED_FORWARDERS = "trustedForwarderClients";
    static final String FORWARDED_IP_HEADER = "forwardedIpHeader";
    static final String SERVICE_HEADER = "serviceHeader";
    static final long DEFAULT_LAST_USE_INTERVAL_SECONDS = 3600;
    /** What Dovecot sends with {@code send_auth_headers = yes}: the mail client's address. */
    static final String DEFAULT_FORWARDED_IP_HEADER = "X-Dovecot-Auth-Remote";
    /** What Dovecot sends with {@code send_auth_headers = yes}: the service the login is for (imap, smtp...). */
    static final String DEFAULT_SERVICE_HEADER = "X-Dovecot-Auth-Service";

    static AuthenticatorSettings of(AuthenticatorConfigModel config) {
        Map<String, String> values = config == null || config.getConfig() == null ? Map.of() : config.getConfig();
        String transientSession = values.get(TRANSIENT_SESSION);
        return new AuthenticatorSettings(
                transientSession == null || Boolean.parseBoolean(transientSession),
                seconds(values.get(LAST_USE_INTERVAL), DEFAULT_LAST_USE_INTERVAL_SECONDS) * 1000,
                list(values.get(TRUSTED_FORWARDERS)),
                header(values.get(FORWARDED_IP_HEADER), DEFAULT_FORWARDED_IP_HEADER),
                header(values.get(SERVICE_HEADER), DEFAULT_SERVICE_HEADER));
    }

    private static String header(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static long seconds(String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException ignored) {
            return fallback; // an unreadable setting keeps the safe default
        }
    }

    private static List<String> list(String value) {
        return value == null ? List.of()
                : Arrays.stream(value.split(Constants.CFG_DELIMITER)).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
