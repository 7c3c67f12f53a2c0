package io.apppasswords.keycloak.policy;

import org.keycloak.models.KeycloakSession;
import org.keycloak.vault.VaultStringSecret;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The mail servers to tell when an app password ends: base URLs of Dovecot's doveadm HTTP API, or
 * {@code doveadm://host:port} for doveadm's own TCP protocol, and their key ({@code doveadm_api_key}, or
 * {@code doveadm_password} for the TCP protocol), kept with the realm's other app-password settings. No URL:
 * nobody is told.
 *
 * @param urls   e.g. {@code https://mail1.example.com:8080/doveadm/v1} or {@code doveadm://mail1.example.com:2425}
 * @param apiKey the key as saved: the key itself or a vault reference {@code ${vault.NAME}}; resolve it with
 *               {@link #apiKey(KeycloakSession)}, never log it
 */
public record DoveadmSettings(List<URI> urls, String apiKey) {

    /** doveadm's own TCP protocol (a {@code service doveadm} inet listener other than the HTTP one). */
    public static final String DOVEADM_SCHEME = "doveadm";

    /** The realm's values of {@link Settings#DOVEADM_URLS} and {@link Settings#DOVEADM_API_KEY}. */
    public static DoveadmSettings of(SettingValues values) {
        return new DoveadmSettings(values.get(Settings.DOVEADM_URLS), values.get(Settings.DOVEADM_API_KEY));
    }

    /**
     * The catalogue's parser of {@link Settings#DOVEADM_URLS}: URLs separated by commas or spaces, each an
     * absolute http or https URL with a host and nothing after the path, or {@code doveadm://host:port} with
     * nothing else.
     */
    static List<URI> urls(String value) {
        List<URI> urls = new ArrayList<>();
        for (String one : value.split("[,\\s]+")) {
            if (!one.isEmpty()) {
                urls.add(uri(one));
            }
        }
        return List.copyOf(urls);
    }

    public boolean enabled() {
        return !urls.isEmpty();
    }

    /** The key itself, read from the realm's vault if the setting refers to one; {@code null} if none is set. */
    public String apiKey(KeycloakSession session) {
        if (apiKey == null) {
            return null;
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(apiKey)) {
            return secret.get().orElse(null);
        }
    }

    private static URI uri(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean web = scheme.equals("http") || scheme.equals("https");
            boolean tcp = scheme.equals(DOVEADM_SCHEME) && uri.getPort() > 0
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty());
            if ((web || tcp) && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below, like any other URL that is no doveadm API's
        }
        throw new IllegalArgumentException("not an http or https URL with a host, nor doveadm://host:port");
    }

    @Override
    public String toString() { // records print every component: never the key
        return "DoveadmSettings[urls=" + urls + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
    }
}
