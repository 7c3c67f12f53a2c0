package io.apppasswords.keycloak.credential;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The record of one app password that outlives it: a credential row of its own type, written when the app
 * password is created, with the same digest, so an app password deleted by a path this extension does not
 * run (Keycloak's own account and admin consoles remove the row and only report it afterwards) is still
 * recognised when an old device presents it.
 *
 * <p>It is "ended" once the app password's own row is gone. No credential provider supports this type, so the
 * account console never lists it; the admin console's <em>Credentials</em> tab does (without a label, the
 * name is in its data, the digest is never shown). Rows are loaded with the user's other credentials and
 * cached alike, so matching against them costs no database read.
 */
public final class AppPasswordHistory {

    public static final String TYPE = "app-password-history";

    private final CredentialModel row;
    private final Data data;

    private AppPasswordHistory(CredentialModel row, Data data) {
        this.row = row;
        this.data = data;
    }

    /** What is kept besides the digest. Times are epoch milliseconds. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Data {
        public String appPasswordId;
        public String name;
        public Long endedAt;
        /** Why it ended, as the lifecycle names it; {@code null} while unknown. */
        public String reason;
    }

    public static AppPasswordHistory of(CredentialModel row) {
        try {
            Data data = row.getCredentialData() == null ? new Data()
                    : JsonSerialization.readValue(row.getCredentialData(), Data.class);
            return new AppPasswordHistory(row, data);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable app-password history " + row.getId(), e);
        }
    }

    /** Stores the record of a live app password: its id, name, creation time and digest. */
    public static AppPasswordHistory remember(UserModel user, CredentialModel appPassword) {
        Data data = new Data();
        data.appPasswordId = appPassword.getId();
        data.name = appPassword.getUserLabel();
        CredentialModel row = new CredentialModel();
        row.setType(TYPE);
        // no label: Keycloak's federated store refuses a label another credential of the user already has
        row.setCreatedDate(appPassword.getCreatedDate());
        row.setSecretData(appPassword.getSecretData());
        row.setCredentialData(write(data));
        return new AppPasswordHistory(user.credentialManager().createStoredCredential(row), data);
    }

    /** The record of the app password with this id, if one is kept. */
    public static Optional<AppPasswordHistory> find(UserModel user, String appPasswordId) {
        return all(user).filter(h -> appPasswordId.equals(h.appPasswordId())).findFirst();
    }

    public static Stream<AppPasswordHistory> all(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(TYPE).map(AppPasswordHistory::of);
    }

    /**
     * Notes when and why it ended (once: the first report wins), writing the record first if the app password
     * predates this feature; {@code appPassword} is the live row, read before it was deleted.
     */
    public static void ended(UserModel user, CredentialModel appPassword, long now, String reason) {
        AppPasswordHistory history = find(user, appPassword.getId()).orElseGet(() -> remember(user, appPassword));
        history.markEnded(user, now, reason);
    }

    /** Marks it ended at {@code now} unless it already is; {@code false} if nothing changed. */
    public boolean markEnded(UserModel user, long now, String reason) {
        if (data.endedAt != null) {
            return false;
        }
        data.endedAt = now;
        data.reason = reason;
        row.setCredentialData(write(data));
        user.credentialManager().updateStoredCredential(row);
        return true;
    }

    /**
     * Deletes the oldest records of ended app passwords beyond the newest {@code keep}; returns how many.
     * Live app passwords' records stay.
     */
    public static int keepNewestEnded(KeycloakSession session, RealmModel realm, UserModel user, int keep) {
        Set<String> live = user.credentialManager().getStoredCredentialsByTypeStream(AppPasswordCredentialModel.TYPE)
                .map(CredentialModel::getId).collect(Collectors.toSet());
        List<AppPasswordHistory> ended = all(user).filter(h -> !live.contains(h.appPasswordId()))
                .sorted(Comparator.comparing(AppPasswordHistory::endedOrCreated).reversed()).toList();
        ended.stream().skip(keep).forEach(h -> KeycloakJpa.deleteCredential(session, realm, user, h.id()));
        return Math.max(0, ended.size() - keep);
    }

    private long endedOrCreated() {
        return data.endedAt != null ? data.endedAt : row.getCreatedDate() == null ? 0 : row.getCreatedDate();
    }

    /** This record's own credential id (not the app password's). */
    public String id() {
        return row.getId();
    }

    public String appPasswordId() {
        return data.appPasswordId;
    }

    public String name() {
        return data.name;
    }

    /** When it ended; {@code null} if no path reported it (deleted by a way nobody saw). */
    public Long endedAt() {
        return data.endedAt;
    }

    public String reason() {
        return data.reason;
    }

    private static String write(Data data) {
        try {
            return JsonSerialization.writeValueAsString(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
