package io.apppasswords.keycloak.credential;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The non-secret part of an app password, stored as the credential's {@code credentialData} JSON and shown
 * by both consoles. Times are epoch milliseconds, {@code null} where unknown or unset; every stored time is
 * written a second time as ISO-8601 UTC text ({@code expiresAtUtc}, {@code lastUsedAtUtc}) for people reading
 * the JSON in the admin console. The text is derived on every write and never read back: the milliseconds
 * stay the truth, and rows written before it existed read as before. Rows from earlier releases also hold an
 * {@code algorithm} (always SHA-256, see {@link AppPasswordSecret}) that nothing reads: it is ignored, and
 * dropped when the row is next written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"expiresAt", "expiresAtUtc", "clients", "protocols", "networks", "lastUsedAt", "lastUsedAtUtc",
        "lastUsedIp", "lastUsedClient", "lastUsedProtocol"})
public class AppPasswordCredentialData {

    private Long expiresAt;
    private List<String> clients;
    private List<String> protocols;
    private List<String> networks;
    private Long lastUsedAt;
    private String lastUsedIp;
    private String lastUsedClient;
    private String lastUsedProtocol;
    private Long warnedUnused;
    private Long warnedExpiry;
    private Long disconnectedExpiry;

    public AppPasswordCredentialData() {
    }

    public AppPasswordCredentialData(Long expiresAt, List<String> clients, List<String> protocols) {
        this.expiresAt = expiresAt;
        this.clients = clients == null || clients.isEmpty() ? null : List.copyOf(clients);
        this.protocols = protocols == null ? null : List.copyOf(protocols);
    }

    public Long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Long expiresAt) {
        this.expiresAt = expiresAt;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public String getExpiresAtUtc() {
        return iso(expiresAt);
    }

    /** Client ids this app password may sign in through; {@code null} means any client. */
    public List<String> getClients() {
        return clients;
    }

    public void setClients(List<String> clients) {
        this.clients = clients;
    }

    /**
     * {@link AppPasswordProtocol} ids this app password may sign in for; {@code null} means any protocol and
     * any client, also one that names no protocol.
     */
    public List<String> getProtocols() {
        return protocols;
    }

    public void setProtocols(List<String> protocols) {
        this.protocols = protocols;
    }

    /** Canonical CIDR networks ({@link IpNetwork}) a login must come from; {@code null} means anywhere. */
    public List<String> getNetworks() {
        return networks;
    }

    public void setNetworks(List<String> networks) {
        this.networks = networks == null || networks.isEmpty() ? null : List.copyOf(networks);
    }

    public Long getLastUsedAt() {
        return lastUsedAt;
    }

    public void setLastUsedAt(Long lastUsedAt) {
        this.lastUsedAt = lastUsedAt;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public String getLastUsedAtUtc() {
        return iso(lastUsedAt);
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

    /** The {@link AppPasswordProtocol} id of the last use, {@code null} if the client did not say. */
    public String getLastUsedProtocol() {
        return lastUsedProtocol;
    }

    public void setLastUsedProtocol(String lastUsedProtocol) {
        this.lastUsedProtocol = lastUsedProtocol;
    }

    private static String iso(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
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

    /**
     * The expiry at which the mail servers were last told to end this app password's sessions, so they are told
     * once per expiry while the expired row is kept.
     */
    public Long getDisconnectedExpiry() {
        return disconnectedExpiry;
    }

    public void setDisconnectedExpiry(Long disconnectedExpiry) {
        this.disconnectedExpiry = disconnectedExpiry;
    }
}
