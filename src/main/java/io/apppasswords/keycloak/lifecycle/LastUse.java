package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialData;
import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Records when, from where, through which client and for which protocol an app password was last used. Each write rewrites the
 * credential row and so evicts the user from every node's cache: it happens at most once per interval,
 * never on every login.
 */
public final class LastUse {

    private static final Logger LOG = Logger.getLogger(LastUse.class);

    private LastUse() {
    }

    /** Who used it: the address, the client, and the protocol if the client said which one it serves. */
    public record Caller(String ip, String clientId, AppPasswordProtocol protocol) {
    }

    /**
     * Records a use unless one was recorded less than {@code intervalMillis} ago.
     *
     * <p>The write runs in its own transaction and may fail without consequence: concurrent logins of the
     * same app password race to write the same row (optimistic locking lets one win), and a failed stamp
     * must never fail the login that caused it. Re-reading the row inside that transaction means a use
     * never brings back an app password revoked in the meantime.
     */
    public static void record(KeycloakSession session, UserModel user, AppPasswordCredentialModel used, Caller caller,
                              long now, long intervalMillis) {
        if (isRecent(used.getData(), now, intervalMillis)) {
            return;
        }
        String userId = user.getId();
        String credentialId = used.getId();
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), tx -> {
                UserModel fresh = tx.users().getUserById(tx.getContext().getRealm(), userId);
                AppPasswordCredentialModel current = fresh == null ? null
                        : AppPasswordCredentialProvider.of(tx).get(fresh, credentialId).orElse(null);
                if (current == null || isRecent(current.getData(), now, intervalMillis)) {
                    return;
                }
                AppPasswordCredentialData data = current.getData();
                data.setLastUsedAt(now);
                data.setLastUsedIp(caller.ip());
                data.setLastUsedClient(caller.clientId());
                data.setLastUsedProtocol(caller.protocol() == null ? null : caller.protocol().id());
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
}
