package io.apppasswords.keycloak.policy;

import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.vault.VaultStringSecret;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The mail servers to tell when an app password ends: base URLs of Dovecot's doveadm HTTP API and its key
 * ({@code doveadm_api_key}), kept with the realm's other app-password settings. No URL: nobody is told.
 *
 * @param urls   base URLs, e.g. {@code https://mail1.example.com:8080/doveadm/v1}
 * @param apiKey the key as saved: the key itself or a vault reference {@code ${vault.NAME}}; resolve it with
 *               {@link #apiKey(KeycloakSession)}, never log it
 */
public record DoveadmSettings(List<URI> urls, String apiKey) {

    public static final String URLS = "doveadmUrls";
    public static final String API_KEY = "doveadmApiKey";

    public static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(URLS).label("Dovecot doveadm API URLs")
            .helpText("Base URLs of each Dovecot's doveadm HTTP API (e.g. https://mail1.internal:8080/doveadm/v1), "
                    + "separated by commas or spaces. When an app password ends, each one flushes the user's auth "
                    + "cache and disconnects the sessions that signed in with it. Empty: off.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(API_KEY).label("Dovecot doveadm API key")
            .helpText("Dovecot's doveadm_api_key, or better a vault reference such as ${vault.doveadm-api-key}.")
            .type(ProviderConfigProperty.PASSWORD).secret(true).add()
            .build();

    /** The settings in a saved config; URLs that do not parse are left out ({@link #problems} refuses them). */
    public static DoveadmSettings parse(Map<String, String> config) {
        List<URI> urls = new ArrayList<>();
        for (String value : split(config.get(URLS))) {
            URI uri = uri(value);
            if (uri != null) {
                urls.add(uri);
            }
        }
        String key = config.get(API_KEY);
        return new DoveadmSettings(List.copyOf(urls), key == null || key.isBlank() ? null : key.strip());
    }

    /** Each URL that is not an absolute http or https URL with a host. */
    static List<PolicyProblem> problems(Map<String, String> config) {
        List<PolicyProblem> problems = new ArrayList<>();
        for (String value : split(config.get(URLS))) {
            if (uri(value) == null) {
                problems.add(new PolicyProblem(URLS, PolicyProblem.INVALID_VALUE));
            }
        }
        return problems;
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

    private static List<String> split(String value) {
        return value == null ? List.of()
                : Arrays.stream(value.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    private static URI uri(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean web = scheme.equals("http") || scheme.equals("https");
            return web && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    @Override
    public String toString() { // records print every component: never the key
        return "DoveadmSettings[urls=" + urls + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
    }
}
