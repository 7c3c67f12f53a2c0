package io.apppasswords.keycloak.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.apppasswords.keycloak.credential.AppPasswordCredentialData;
import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import org.keycloak.common.util.Time;

import java.time.Instant;
import java.util.List;

/**
 * An app password as both REST APIs return it: never a digest, and the secret only in the answer to the
 * request that created it. Times are ISO-8601, {@code null} where unknown.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public class AppPasswordRepresentation {

    public String id;
    public String name;
    public String createdAt;
    public String lastUsedAt;
    public String lastUsedIp;
    public String lastUsedClient;
    /** The protocol the trusted mail server named at the last use, {@code null} if none did. */
    public String lastUsedProtocol;
    public String expiresAt;
    /** True once {@link #expiresAt} has passed: refused at login, deleted after the realm's grace period. */
    public boolean expired;
    public List<String> clients;
    /** The protocols it is limited to; {@code null}: not limited (any protocol, through any client). */
    public List<String> protocols;
    /** The networks it may sign in from; {@code null}: anywhere. */
    public List<String> networks;
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String password;

    public static AppPasswordRepresentation of(AppPasswordCredentialModel credential) {
        return fill(new AppPasswordRepresentation(), credential);
    }

    /** Sets this class's fields of {@code rep} (a subclass adds its own) from {@code credential}. */
    static <T extends AppPasswordRepresentation> T fill(T rep, AppPasswordCredentialModel credential) {
        AppPasswordCredentialData data = credential.getData();
        rep.id = credential.getId();
        rep.name = credential.getUserLabel();
        rep.createdAt = iso(credential.getCreatedDate());
        rep.lastUsedAt = iso(data.getLastUsedAt());
        rep.lastUsedIp = data.getLastUsedIp();
        rep.lastUsedClient = data.getLastUsedClient();
        rep.lastUsedProtocol = data.getLastUsedProtocol();
        rep.expiresAt = iso(data.getExpiresAt());
        rep.expired = credential.isExpired(Time.currentTimeMillis());
        rep.clients = data.getClients() == null ? List.of() : data.getClients();
        rep.protocols = data.getProtocols();
        rep.networks = data.getNetworks();
        return rep;
    }

    static String iso(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}
