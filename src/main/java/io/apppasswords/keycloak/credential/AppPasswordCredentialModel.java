package io.apppasswords.keycloak.credential;

import org.keycloak.credential.CredentialModel;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One app password = one credential row: {@code userLabel} is its name, {@code secretData} its digest,
 * {@code credentialData} its expiry, allowed clients and protocols, and last use.
 */
public class AppPasswordCredentialModel extends CredentialModel {

    /** The credential type; the required action that creates one has the same id. */
    public static final String TYPE = "app-password";

    private final AppPasswordCredentialData data;
    private final AppPasswordSecretData secret;

    private AppPasswordCredentialModel(AppPasswordCredentialData data, AppPasswordSecretData secret) {
        this.data = data;
        this.secret = secret;
    }

    /** A new credential for a freshly generated secret; only the digest of {@code secret} is kept. */
    public static AppPasswordCredentialModel create(String name, String secret, long createdAt, Long expiresAt,
                                                    List<String> clients, List<String> protocols) {
        String normalised = AppPasswordSecret.normalise(secret);
        if (normalised == null) {
            throw new IllegalArgumentException("not an app password");
        }
        AppPasswordCredentialModel model = new AppPasswordCredentialModel(
                new AppPasswordCredentialData(expiresAt, clients, protocols),
                new AppPasswordSecretData(AppPasswordSecret.encode(AppPasswordSecret.digest(normalised))));
        model.setType(TYPE);
        model.setUserLabel(name);
        model.setCreatedDate(createdAt);
        model.writeData();
        return model;
    }

    public static AppPasswordCredentialModel from(CredentialModel stored) {
        try {
            AppPasswordCredentialData data = stored.getCredentialData() == null
                    ? new AppPasswordCredentialData()
                    : JsonSerialization.readValue(stored.getCredentialData(), AppPasswordCredentialData.class);
            AppPasswordSecretData secret = stored.getSecretData() == null
                    ? new AppPasswordSecretData()
                    : JsonSerialization.readValue(stored.getSecretData(), AppPasswordSecretData.class);
            AppPasswordCredentialModel model = new AppPasswordCredentialModel(data, secret);
            model.setId(stored.getId());
            model.setType(stored.getType());
            model.setUserLabel(stored.getUserLabel());
            model.setCreatedDate(stored.getCreatedDate());
            model.setCredentialData(stored.getCredentialData());
            model.setSecretData(stored.getSecretData());
            model.setFederationLink(stored.getFederationLink());
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable app-password credential " + stored.getId(), e);
        }
    }

    public AppPasswordCredentialData getData() {
        return data;
    }

    public boolean isExpired(long now) {
        return data.getExpiresAt() != null && data.getExpiresAt() <= now;
    }

    public boolean allowsClient(String clientId) {
        return data.getClients() == null || data.getClients().contains(clientId);
    }

    /**
     * Whether it may sign in for {@code protocol}; {@code null} (the client did not say, or named a service
     * that is none of ours) is allowed only for an app password without a protocol limit: fail closed.
     */
    public boolean allowsProtocol(AppPasswordProtocol protocol) {
        return data.getProtocols() == null || protocol != null && data.getProtocols().contains(protocol.id());
    }

    /** Serialises {@link #getData()} and the secret back into the stored JSON columns. */
    public void writeData() {
        try {
            setCredentialData(JsonSerialization.writeValueAsString(data));
            setSecretData(JsonSerialization.writeValueAsString(secret));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
