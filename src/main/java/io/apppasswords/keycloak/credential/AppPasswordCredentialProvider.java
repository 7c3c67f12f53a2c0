package io.apppasswords.keycloak.credential;

import io.apppasswords.keycloak.policy.AppPasswordPolicies;
import io.apppasswords.keycloak.policy.AppPasswordPolicy;
import org.jboss.logging.Logger;
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
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.theme.Theme;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** Stores, finds, verifies and describes a user's app passwords, one credential row each. */
public class AppPasswordCredentialProvider implements CredentialProvider<AppPasswordCredentialModel>,
        CredentialInputValidator {

    /** Message keys the stock consoles resolve through the theme messages shipped in the JAR. */
    public static final String DISPLAY_NAME = "app-password-display-name";
    public static final String HELP_TEXT = "app-password-help-text";
    /** Message key: another create for the same user held the lease too long. */
    public static final String ERROR_BUSY = "appPasswordBusy";

    private static final DateTimeFormatter DISPLAY_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** Digested when the input cannot be an app password, so every attempt costs the same. */
    private static final String DUMMY = "0".repeat(AppPasswordSecret.LENGTH);

    private static final Logger LOG = Logger.getLogger(AppPasswordCredentialProvider.class);

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
     * Checks the name and the realm's {@link AppPasswordPolicy}, generates a secret and stores its digest.
     * The one place every creation path goes through, so the policy holds for all of them.
     *
     * <p>The count and the insert run in their own transaction while the user's {@link CreateLease} is held:
     * the transaction starts after the previous holder's commit, so it counts every app password created
     * before it, on any node and whatever the database's isolation level.
     *
     * @param expiresAt requested expiry (epoch ms), {@code null} for the policy's default
     * @param clients   client ids to restrict it to, {@code null} or empty for any
     * @throws AppPasswordException when a rule is broken (message key inside)
     */
    public Created create(RealmModel realm, UserModel user, String rawName, Long expiresAt, List<String> clients) {
        String name = AppPasswordName.clean(rawName);
        String error = AppPasswordName.validate(name);
        if (error != null) {
            throw new AppPasswordException("name", error);
        }
        AppPasswordPolicy policy = AppPasswordPolicies.of(realm);
        AppPasswordPolicies.checkMayCreate(session, realm, user, policy);
        long now = Time.currentTimeMillis();
        Long expiry = policy.effectiveExpiry(expiresAt, now);
        List<String> allowedClients = policy.checkClients(clients, id -> realm.getClientByClientId(id) != null);

        String secret = AppPasswordSecret.generate();
        AppPasswordCredentialModel model = AppPasswordCredentialModel.create(name, secret, now, expiry, allowedClients);
        CredentialModel saved;
        try (CreateLease ignored = CreateLease.acquire(session, realm, user)) {
            saved = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                    session.getContext(), s -> store(s, realm.getId(), user.getId(), model, policy),
                    "create app password");
        }
        return new Created(getCredentialFromModel(saved), secret);
    }

    private CredentialModel store(KeycloakSession s, String realmId, String userId, AppPasswordCredentialModel model,
                                  AppPasswordPolicy policy) {
        RealmModel realm = s.realms().getRealm(realmId);
        UserModel user = realm == null ? null : s.users().getUserById(realm, userId);
        if (user == null) {
            throw new AppPasswordException(null, AppPasswordPolicy.ERROR_NOT_ALLOWED); // deleted meanwhile
        }
        List<String> names = user.credentialManager().getStoredCredentialsByTypeStream(getType())
                .map(CredentialModel::getUserLabel).toList();
        if (AppPasswordName.isTaken(model.getUserLabel(), names.stream())) {
            throw new AppPasswordException("name", AppPasswordName.ERROR_DUPLICATE);
        }
        policy.checkCount(names.size());
        return user.credentialManager().createStoredCredential(model);
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

    /**
     * {@link #deleteCredential} in a transaction of its own, tried up to three times: simultaneous changes to
     * one user's credentials (another revocation, a creation, a last-use stamp) can make Keycloak's store
     * fail a delete with an optimistic-lock error, which a user revoking an app password must never see.
     *
     * @return true if this call deleted it, false if it was not (or no longer) there
     */
    public boolean revoke(RealmModel realm, UserModel user, String credentialId) {
        String userId = user.getId();
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                        session.getContext(), tx -> {
                            UserModel fresh = tx.users().getUserById(tx.getContext().getRealm(), userId);
                            return fresh != null && deleteCredential(tx.getContext().getRealm(), fresh, credentialId);
                        }, "revoke app password");
            } catch (RuntimeException e) {
                last = e;
                LOG.debugf("revoking app password %s failed (attempt %d): %s", credentialId, attempt + 1, e.toString());
            }
        }
        throw last;
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
     * stored secret of each credential is read here (as bytes); the rest of the matching one is parsed by the caller.
     */
    public static Optional<CredentialModel> match(List<CredentialModel> stored, String input) {
        String normalised = AppPasswordSecret.normalise(input);
        byte[] candidate = AppPasswordSecret.digest(normalised == null ? DUMMY : normalised);
        byte[] candidateSecretData = AppPasswordCredentialModel.secretDataFor(candidate);
        CredentialModel match = null;
        for (CredentialModel credential : stored) {
            if (AppPasswordCredentialModel.storedDigestMatches(credential, candidate, candidateSecretData)
                    && normalised != null) {
                match = credential;
            }
        }
        return Optional.ofNullable(match);
    }

    /**
     * Records a use (time, IP, client) unless one was recorded less than {@code intervalMillis} ago.
     *
     * <p>The write runs in its own transaction and may fail without consequence: concurrent logins of the
     * same app password race to write the same row (optimistic locking lets one win), and a failed stamp
     * must never fail the login that caused it. Re-reading the row inside that transaction means a use
     * never brings back an app password revoked in the meantime.
     */
    public void recordUse(RealmModel realm, UserModel user, AppPasswordCredentialModel used, String ip,
                          String clientId, long now, long intervalMillis) {
        if (isRecent(used.getData(), now, intervalMillis)) {
            return;
        }
        String userId = user.getId();
        String credentialId = used.getId();
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), tx -> {
                UserModel fresh = tx.users().getUserById(tx.getContext().getRealm(), userId);
                CredentialModel stored = fresh == null ? null : fresh.credentialManager().getStoredCredentialById(credentialId);
                if (stored == null || !getType().equals(stored.getType())) {
                    return;
                }
                AppPasswordCredentialModel current = getCredentialFromModel(stored);
                AppPasswordCredentialData data = current.getData();
                if (isRecent(data, now, intervalMillis)) {
                    return;
                }
                data.setLastUsedAt(now);
                data.setLastUsedIp(ip);
                data.setLastUsedClient(clientId);
                current.writeData();
                fresh.credentialManager().updateStoredCredential(current);
            });
        } catch (RuntimeException e) {
            LOG.debugf("last use of app password %s not recorded: %s", credentialId, e.toString());
        }
    }

    private static boolean isRecent(AppPasswordCredentialData data, long now, long intervalMillis) {
        return data.getLastUsedAt() != null && now - data.getLastUsedAt() < intervalMillis;
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
        info.add(property("appPasswordClients",
                data.getClients() == null ? accountMessage("appPasswordClientsAny") : String.join(", ", data.getClients())));
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

    /**
     * A message in the user's language: the account console shows a property's value as it comes, so a
     * value that is a word, not a name or a date, is translated here.
     */
    private String accountMessage(String key) {
        try {
            RealmModel realm = session.getContext().getRealm();
            Locale locale = session.getContext().resolveLocale(null);
            return session.theme().getTheme(Theme.Type.ACCOUNT).getEnhancedMessages(realm, locale).getProperty(key, key);
        } catch (IOException e) {
            return key;
        }
    }

    private static CredentialMetadata.LocalizedMessage property(String key, String value) {
        return new CredentialMetadata.LocalizedMessage(key, new Object[]{value});
    }

    private Stream<CredentialModel> stored(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(getType());
    }
}
