package io.apppasswords.keycloak.lifecycle;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;
import org.keycloak.provider.Spi;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.user.UserLookupProvider;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Whether the realm's user federation (LDAP, Active Directory, Kerberos, a custom user storage) answers now.
 * Keycloak does not say: it reports a user it cannot reach as unknown, and serves an imported or cached user
 * from its copy. A login that finds no user, or a federated one, asks here first, so that an outage is
 * answered as one and never as a wrong password.
 *
 * <p>The question is the one Keycloak's own lookup asks, a user by name, put to the provider itself (for
 * LDAP one search over its pooled connection) with a name nobody has, so nothing is found or imported. The
 * verdict is kept per provider on this node: "does not answer" for {@value #DOWN_MILLIS} ms, so logins
 * during an outage do not hammer the directory and one that is back is noticed within that time; "answers"
 * for {@value #UP_MILLIS} ms, so a healthy directory is asked at most once a second and an outage is noticed
 * within a second.
 */
public final class UserFederation {

    /** How long "does not answer" holds. */
    static final long DOWN_MILLIS = 5_000;
    /** How long "answers" holds. */
    static final long UP_MILLIS = 1_000;
    /** The user name the probe asks for. */
    static final String PROBE_USERNAME = "app-passwords-reachability-probe";
    /**
     * The provider type of user storage components: the name of the SPI's provider interface, which lives in a
     * Keycloak module outside the SPI jars this extension compiles against.
     */
    static final String USER_STORAGE = "org.keycloak.storage.UserStorageProvider";
    /** The component setting Keycloak's storage providers are switched off with (unset: on). */
    private static final String ENABLED = "enabled";

    private static final Logger LOG = Logger.getLogger(UserFederation.class);
    private static final Map<String, Verdict> VERDICTS = new ConcurrentHashMap<>();

    private UserFederation() {
    }

    private record Verdict(boolean reachable, long until) {
    }

    /**
     * The name of an enabled user storage provider that does not answer and that {@code user} comes from, or
     * for {@code null} (nobody found) any of the realm's; empty when there is none, or {@code user} is local.
     */
    public static Optional<String> unreachable(KeycloakSession session, RealmModel realm, UserModel user) {
        Stream<ComponentModel> providers = realm.getComponentsStream(realm.getId(), USER_STORAGE)
                .filter(provider -> provider.get(ENABLED, true));
        if (user != null) {
            String link = user.getFederationLink() != null ? user.getFederationLink() : StorageId.providerId(user.getId());
            if (link == null) {
                return Optional.empty();
            }
            providers = providers.filter(provider -> provider.getId().equals(link));
        }
        return providers.filter(provider -> !reachable(session, realm, provider)).map(ComponentModel::getName).findFirst();
    }

    private static boolean reachable(KeycloakSession session, RealmModel realm, ComponentModel provider) {
        long now = System.currentTimeMillis();
        Verdict known = VERDICTS.get(provider.getId());
        if (known != null && now < known.until()) {
            return known.reachable();
        }
        boolean reachable = probe(session, realm, provider);
        VERDICTS.put(provider.getId(), new Verdict(reachable, now + (reachable ? UP_MILLIS : DOWN_MILLIS)));
        return reachable;
    }

    @SuppressWarnings("deprecation") // the instance Keycloak's UserStorageManager uses in this session, too
    private static boolean probe(KeycloakSession session, RealmModel realm, ComponentModel provider) {
        Class<? extends Provider> type = session.getKeycloakSessionFactory().getSpis().stream()
                .map(Spi::getProviderClass).filter(c -> c.getName().equals(USER_STORAGE)).findFirst().orElse(null);
        Provider storage = type == null ? null : session.getProvider(type, provider);
        if (!(storage instanceof UserLookupProvider lookup)) {
            return true; // a provider that looks nobody up cannot hide a user
        }
        try {
            lookup.getUserByUsername(realm, PROBE_USERNAME);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("User federation %s of realm %s does not answer: %s", provider.getName(), realm.getName(), e.toString());
            return false;
        }
    }
}
