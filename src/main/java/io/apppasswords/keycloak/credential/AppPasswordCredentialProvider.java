package io.apppasswords.keycloak.credential;

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

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Stores, finds, verifies and describes a user's app passwords, one credential row each. */
public class AppPasswordCredentialProvider implements CredentialProvider<AppPasswordCredentialModel>,
        CredentialInputValidator {

    /** Message keys the stock consoles resolve through the theme messages shipped in the JAR. */
    public static final String DISPLAY_NAME = "app-password-display-name";
    public static final String HELP_TEXT = "app-password-help-text";

    private static final DateTimeFormatter DISPLAY_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** Digested when the input cannot be an app password, so every attempt costs the same. */
    private static final String DUMMY = "0".repeat(AppPasswordSecret.LENGTH);

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

    /** A new app password and the only copy of its secret there will ever be. */
    public record Created(AppPasswordCredentialModel credential, String secret) {
    }

    /**
     * Checks the name, generates a secret and stores its digest.
     *
     * @throws AppPasswordException when a rule is broken (message key inside)
     */
    public Created create(RealmModel realm, UserModel user, String rawName, Long expiresAt, List<String> clients) {
        String name = AppPasswordName.clean(rawName);
        String error = AppPasswordName.validate(name);
        if (error == null && AppPasswordName.isTaken(name, stored(user).map(CredentialModel::getUserLabel))) {
            error = AppPasswordName.ERROR_DUPLICATE;
        }
        if (error != null) {
            throw new AppPasswordException("name", error);
        }
        String secret = AppPasswordSecret.generate();
        AppPasswordCredentialModel model = AppPasswordCredentialModel.create(name, secret, Time.currentTimeMillis(),
                expiresAt, clients);
        CredentialModel saved = createCredential(realm, user, model);
        return new Created(getCredentialFromModel(saved), secret);
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
        CredentialModel stored = user.credentialManager().getStoredCredentialById(credentialId);
        if (stored == null || !getType().equals(stored.getType())) {
            return false;
        }
        return user.credentialManager().removeStoredCredentialById(credentialId);
    }

    @Override
    public AppPasswordCredentialModel getCredentialFromModel(CredentialModel model) {
        return AppPasswordCredentialModel.from(model);
    }

    public Stream<AppPasswordCredentialModel> list(UserModel user) {
        return stored(user).map(this::getCredentialFromModel);
    }

    /**
     * The user's app password that {@code input} is, expired or not (the caller decides what an expired
     * match means). See {@link #match}.
     */
    public Optional<AppPasswordCredentialModel> find(UserModel user, String input) {
        List<CredentialModel> candidates = user == null ? List.of() : stored(user).toList();
        return match(candidates, input).map(this::getCredentialFromModel);
    }

    /**
     * The stored app password that {@code input} is. One digest per call, whatever the number of stored
     * credentials (also for input that cannot be an app password, and for none stored), and every stored
     * digest is compared, so neither the time nor the result depends on where a match sits. Only the
     * digest of each credential is read here; the rest of the matching one is parsed by the caller.
     */
    public static Optional<CredentialModel> match(List<CredentialModel> stored, String input) {
        String normalised = AppPasswordSecret.normalise(input);
        byte[] candidate = AppPasswordSecret.digest(normalised == null ? DUMMY : normalised);
        CredentialModel match = null;
        for (CredentialModel credential : stored) {
            if (AppPasswordCredentialModel.storedDigestMatches(credential, candidate) && normalised != null) {
                match = credential;
            }
        }
        return Optional.ofNullable(match);
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

    /** What the account console shows under each app password: last use, expiry, allowed clients. */
    @Override
    public CredentialMetadata getCredentialMetadata(AppPasswordCredentialModel credential,
                                                    CredentialTypeMetadata typeMetadata) {
        CredentialMetadata metadata = new CredentialMetadata();
        metadata.setCredentialModel(credential);
        AppPasswordCredentialData data = credential.getData();
        List<CredentialMetadata.LocalizedMessage> info = new ArrayList<>();
        info.add(property("appPasswordLastUsed", data.getLastUsedAt() == null ? "-" : lastUse(data)));
        info.add(property("appPasswordExpires",
                data.getExpiresAt() == null ? "-" : DISPLAY_TIME.format(Instant.ofEpochMilli(data.getExpiresAt()))));
        info.add(property("appPasswordClients", data.getClients() == null ? "*" : String.join(", ", data.getClients())));
        metadata.setInfoProperties(info);
        if (credential.isExpired(Time.currentTimeMillis())) {
            metadata.setWarningMessageTitle("appPasswordExpiredTitle");
            metadata.setWarningMessageDescription("appPasswordExpiredDescription");
        }
        return metadata;
    }

    private static String lastUse(AppPasswordCredentialData data) {
        StringBuilder text = new StringBuilder(DISPLAY_TIME.format(Instant.ofEpochMilli(data.getLastUsedAt())));
        if (data.getLastUsedIp() != null) {
            text.append(", ").append(data.getLastUsedIp());
        }
        if (data.getLastUsedClient() != null) {
            text.append(", ").append(data.getLastUsedClient());
        }
        return text.toString();
    }

    private static CredentialMetadata.LocalizedMessage property(String key, String value) {
        return new CredentialMetadata.LocalizedMessage(key, new Object[]{value});
    }

    private Stream<CredentialModel> stored(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(getType());
    }
}
