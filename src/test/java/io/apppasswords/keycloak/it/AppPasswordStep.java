package io.apppasswords.keycloak.it;

import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;

import java.util.Map;


/**
 * Settings of the app-password step in the demo's "app passwords only" flow (the mail-server's direct
 * grant), changed for one test: {@link #close()} puts back what the realm had.
 */
final class AppPasswordStep implements AutoCloseable {

    private final String configId;
    private final AuthenticatorConfigRepresentation original;

    private AppPasswordStep(String configId, AuthenticatorConfigRepresentation original) {
        this.configId = configId;
        this.original = original;
    }

    static AppPasswordStep configure(Map<String, String> config) {
        AuthenticationExecutionInfoRepresentation step = flows().getExecutions(DemoRealm.APP_PASSWORDS_ONLY).stream()
                .filter(e -> "direct-grant-validate-app-password".equals(e.getProviderId()))
                .findFirst().orElseThrow();
        if (step.getAuthenticationConfig() != null) {
            AuthenticatorConfigRepresentation original = flows().getAuthenticatorConfig(step.getAuthenticationConfig());
            AuthenticatorConfigRepresentation changed = new AuthenticatorConfigRepresentation();
            changed.setId(original.getId());
            changed.setAlias(original.getAlias());
            changed.setConfig(config);
            flows().updateAuthenticatorConfig(original.getId(), changed);
            return new AppPasswordStep(original.getId(), original);
        }
        AuthenticatorConfigRepresentation rep = new AuthenticatorConfigRepresentation();
        rep.setAlias("app-password-test-" + System.nanoTime());
        rep.setConfig(config);
        return new AppPasswordStep(Fixtures.createdId(flows().newExecutionConfig(step.getId(), rep),
                "execution config " + rep.getAlias()), null);
    }

    @Override
    public void close() {
        if (original != null) {
            flows().updateAuthenticatorConfig(configId, original);
        } else {
            flows().removeAuthenticatorConfig(configId);
        }
    }

    static AuthenticationManagementResource flows() {
        return Users.realm().flows();
    }
}
