package io.apppasswords.keycloak.credential;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The non-secret part of an app password, stored as the credential's {@code credentialData} JSON and shown
 * by both consoles. Times are epoch milliseconds, {@code null} where unknown or unset.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AppPasswordCredentialData {

    private String algorithm;
    private Long expiresAt;
    private List<String> clients;
    private Long lastUsedAt;
    private String lastUsedIp;
    private String lastUsedClient;
    private Long warnedUnused;
    private Long warnedExpiry;

    public AppPasswordCredentialData() {
    }

    public AppPasswordCredentialData(String algorithm, Long expiresAt, List<String> clients) {
        this.algorithm = algorithm;
        this.expiresAt = expiresAt;
        this.clients = clients == null || clients.isEmpty() ? null : List.copyOf(clients);
    }

    public String getAlgorithm() {
        return algorithm;
    }

    public void setAlgorithm(String algorithm) {
        this.algorithm = algorithm;
    }

    public Long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Long expiresAt) {
        this.expiresAt = expiresAt;
    }

    /** Client ids this app password may sign in through; {@code null} means any client. */
    public List<String> getClients() {
        return clients;
    }

    public void setClients(List<String> clients) {
        this.clients = clients;
    }

    public Long getLastUsedAt() {
        return lastUsedAt;
    }

    public void setLastUsedAt(Long lastUsedAt) {
        this.lastUsedAt = lastUsedAt;
    }

    public String getLastUsedIp() {
        return lastUsedIp;
    }

    public void setLastUsedIp(String lastUsedIp) {
        this.lastUsedIp = lastUsedIp;
    }

    public String getLastUsedClient() {
        return lastUsedClient;
    }

    public void setLastUsedClient(String lastUsedClient) {
        this.lastUsedClient = lastUsedClient;
    }

    /** The last activity (last use, else creation) the user was last warned of an unused revocation for. */
    public Long getWarnedUnused() {
        return warnedUnused;
    }

    public void setWarnedUnused(Long warnedUnused) {
        this.warnedUnused = warnedUnused;
    }

    /** The expiry the user was last warned of, so a warning goes once per expiry. */
    public Long getWarnedExpiry() {
        return warnedExpiry;
    }

    public void setWarnedExpiry(Long warnedExpiry) {
        this.warnedExpiry = warnedExpiry;
    }
}
