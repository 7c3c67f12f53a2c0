package io.apppasswords.keycloak.authenticator;

import com.google.auto.service.AutoService;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

@AutoService(AuthenticatorFactory.class)
public class AppPasswordAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "direct-grant-validate-app-password";


    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.ALTERNATIVE,
            AuthenticationExecutionModel.Requirement.DISABLED
    };

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property()
            .name(AuthenticatorSettings.TRANSIENT_SESSION)
            .label("Transient sessions")
            .helpText("Do not store a user session for app-password logins (like Docker and SAML ECP logins). "
                    + "Mail servers log in constantly and never need one; with it on, no refresh token is usable "
                    + "and introspection reports the token inactive.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue("true")
            .add()
            .property()
            .name(AuthenticatorSettings.LAST_USE_INTERVAL)
            .label("Last-use granularity (seconds)")
            .helpText("Record an app password's last use at most once per this many seconds. Every record "
                    + "rewrites the credential and evicts the user from every node's cache.")
            .type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(String.valueOf(AuthenticatorSettings.DEFAULT_LAST_USE_INTERVAL_SECONDS))
            .add()
            .property()
            .name(AuthenticatorSettings.TRUSTED_FORWARDERS)
            .label("Clients trusted to forward the user's IP and service")
            .helpText("Confidential clients (e.g. the mail server) whose forwarded-IP header is recorded as an app "
                    + "password's last-use IP instead of the client's own address, and whose service header says "
                    + "which protocol a login is for. Ignored for public clients. An app password limited to "
                    + "protocols works only through these clients, when they name an allowed protocol. Wrong "
                    + "values are throttled per forwarded IP, never per forwarder: through a trusted client that "
                    + "sends no IP nothing is throttled, and app passwords limited to networks are refused.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .add()
            .property()
            .name(AuthenticatorSettings.FORWARDED_IP_HEADER)
            .label("Forwarded-IP header")
            .helpText("Request header holding the end user's IP, sent by a trusted client. Dovecot sends "
                    + AuthenticatorSettings.DEFAULT_FORWARDED_IP_HEADER + " with send_auth_headers = yes.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(AuthenticatorSettings.DEFAULT_FORWARDED_IP_HEADER)
            .add()
            .property()
            .name(AuthenticatorSettings.SERVICE_HEADER)
            .label("Service header")
            .helpText("Request header naming the mail service a login is for, sent by a trusted client: imap, pop3, "
                    + "submission or smtp, sieve or managesieve. Dovecot sends "
                    + AuthenticatorSettings.DEFAULT_SERVICE_HEADER + " with send_auth_headers = yes.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(AuthenticatorSettings.DEFAULT_SERVICE_HEADER)
            .add()
            .build();

    private static final Authenticator SINGLETON = new AppPasswordAuthenticator();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "App Password";
    }

    /**
     * The credential type itself: it makes app passwords appear on the account console's "Signing in" page,
     * and it is no category Keycloak's brute-force protector counts (26.6 on) or lets reset the main
     * password's failures (26.7 on). The step never hands the protector a failure anyway: a wrong app
     * password must not let anyone lock a user out (see {@code AppPasswordLogin}).
     */
    @Override
    public String getReferenceCategory() {
        return AppPasswordCredentialModel.TYPE;
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public String getHelpText() {
        return "Direct grant: accepts one of the user's app passwords in the 'password' parameter, without OTP. "
                + "Finds the user itself when it is the first step.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
