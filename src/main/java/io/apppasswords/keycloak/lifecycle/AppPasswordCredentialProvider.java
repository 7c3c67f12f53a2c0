package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordMatcher;
import io.apppasswords.keycloak.credential.AppPasswordHistory;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.credential.CredentialMetadata;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Stores, finds and describes a user's app passwords, one credential row each. It applies no rule and sends
 * no event: creating and ending app passwords for a reason is the lifecycle service's job, which calls this.
 */
public class AppPasswordCredentialProvider implements CredentialProvider<AppPasswordCredentialModel>,
        CredentialInputValidator {

    /** Message keys the stock consoles resolve through the theme messages shipped in the JAR. */
    public static final String DISPLAY_NAME = "app-password-display-name";
    public static final String HELP_TEXT = "app-password-help-text";

    private final KeycloakSession session;

    public AppPasswordCredentialProvider(KeycloakSession session) {
        this.session = session;
    }

    /** This session's instance, as Keycloak registered it. */
    public static AppPasswordCredentialProvider of(KeycloakSession session) {
        return (AppPasswordCredentialProvider) session.getProvider(CredentialProvider.class,
                AppPasswordCredentialProviderFactory.PROVIDER_ID);
    }

    @Override
    public String getType() {
        return AppPasswordCredentialModel.TYPE;
    }

    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, AppPasswordCredentialModel model) {
        if (model.getCreatedDate() == null) {
            model.setCreatedDate(Time.currentTimeMillis());
        }
        return user.credentialManager().createStoredCredential(model);
    }

    /** Deletes the credential only if it is one of this user's app passwords. */
    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return get(user, credentialId).isPresent() && user.credentialManager().removeStoredCredentialById(credentialId);
    }

    @Override
    public AppPasswordCredentialModel getCredentialFromModel(CredentialModel model) {
        return AppPasswordCredentialModel.from(model);
    }

    public Stream<AppPasswordCredentialModel> list(UserModel user) {
        return stored(user).map(this::getCredentialFromModel);
    }

    /** The user's app password with this id; empty if it is not one (or another kind of credential). */
    public Optional<AppPasswordCredentialModel> get(UserModel user, String credentialId) {
        CredentialModel stored = user.credentialManager().getStoredCredentialById(credentialId);
        return stored == null || !getType().equals(stored.getType())
                ? Optional.empty() : Optional.of(getCredentialFromModel(stored));
    }

    /**
     * The user's app password that {@code input} is, expired or not (the caller decides what an expired
     * match means); costs one digest even without a user. See {@link AppPasswordMatcher}.
     */
    public Optional<AppPasswordCredentialModel> find(UserModel user, String input) {
        return recognise(user, input).live();
    }

    /** What a presented value is: one of the user's app passwords, the record of an ended one, or neither. */
    public record Recognised(Optional<AppPasswordCredentialModel> live, Optional<AppPasswordHistory> remembered) {
    }

    /**
     * Which of the user's app passwords, live or ended, {@code input} is; one digest, even without a user.
     * A record is returned only when its app password's row is gone. See {@link AppPasswordMatcher}.
     */
    public Recognised recognise(UserModel user, String input) {
        List<CredentialModel> candidates = user == null ? List.of()
                : user.credentialManager().getStoredCredentialsStream()
                .filter(c -> getType().equals(c.getType()) || AppPasswordHistory.TYPE.equals(c.getType())).toList();
        Optional<CredentialModel> match = AppPasswordMatcher.match(candidates, input);
        return new Recognised(match.filter(c -> getType().equals(c.getType())).map(this::getCredentialFromModel),
                match.filter(c -> AppPasswordHistory.TYPE.equals(c.getType())).map(AppPasswordHistory::of));
    }

    @Override
    public boolean supportsCredentialType(String credentialType) {
        return getType().equals(credentialType);
    }

    @Override
    public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
        return supportsCredentialType(credentialType) && stored(user).findAny().isPresent();
    }

    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        if (!supportsCredentialType(input.getType())) {
            return false;
        }
        long now = Time.currentTimeMillis();
        return find(user, input.getChallengeResponse()).filter(c -> !c.isExpired(now)).isPresent();
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        return CredentialTypeMetadata.builder()
                .type(getType())
                .category(CredentialTypeMetadata.Category.BASIC_AUTHENTICATION)
                .displayName(DISPLAY_NAME)
                .helpText(HELP_TEXT)
                .iconCssClass("kcAuthenticatorPasswordClass")
                .createAction(AppPasswordCredentialModel.TYPE)
                .removeable(true)
                .build(session);
    }

    @Override
    public CredentialMetadata getCredentialMetadata(AppPasswordCredentialModel credential,
                                                    CredentialTypeMetadata typeMetadata) {
        return AccountConsoleInfo.of(session, credential);
    }

    private Stream<CredentialModel> stored(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(getType());
    }
}
