package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.policy.DoveadmSettings;
import io.apppasswords.keycloak.policy.RealmPolicy;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells the realm's Dovecot servers ({@link DoveadmSettings}) that app passwords ended, so that each one
 * flushes the user from its auth cache and disconnects the sessions that signed in with them: over doveadm's
 * HTTP API ({@link Doveadm}) or its TCP protocol ({@code doveadm://}, {@link DoveadmProtocol}; the only way to
 * flush one user on Dovecot 2.4.1). The flush comes first, on the same connection, so that a kicked device that
 * reconnects at once is asked for by Keycloak rather than answered from the cache.
 *
 * <p>What ends in a transaction is collected on that transaction and sent only once it has committed (never
 * if it rolls back), by the node that committed it, from a pool thread of Keycloak's executors: the request
 * that ended it never waits for a mail server. Each server is sent to on its own and retried with backoff for
 * {@link #RETRY_FOR}, so a slow or dead one delays nobody else. Lost only with the node that committed.
 *
 * <p>Dovecot 2.4 disconnects exactly the sessions of one app password: the shipped Lua passdb returns its id
 * as the userdb field {@value #SESSION_FIELD}, which {@code doveadm kick -f} matches. Dovecot 2.3 kicks only by
 * user and address: the user's sessions from the address the app password was last used from go (other
 * devices of the user behind that address with it). Which one a server is, its HTTP API's command list or its
 * TCP protocol's version tells.
 * When all of a user's app passwords end, or the user is disabled, deleted or locked, the user is kicked.
 *
 * <p>Each failure is logged (never the key) and, where the realm stores admin events, stored as one with the
 * error: resource path {@code app-passwords/mail-servers}, details {@code server}, {@code user}, {@code attempt}.
 */
public final class MailServerSessions {

    private static final Logger LOG = Logger.getLogger(MailServerSessions.class);

    /**
     * The session's userdb field naming the app password: Dovecot 2.4 hands the anvil the userdb fields named
     * {@code user_*}, and {@code kick -f} matches them (the Lua passdb returns it as {@code userdb_} + this).
     */
    public static final String SESSION_FIELD = "user_app_password_id";
    static final Duration RETRY_FOR = Duration.ofMinutes(15);
    static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(2);
    static final String RESOURCE_PATH = "app-passwords/mail-servers";
    private static final String EXECUTOR = "app-password-mail-servers";
    private static final String PENDING = MailServerSessions.class.getName();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Only waits and hands each retry back to Keycloak's executor. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "app-password-mail-server-retries");
        t.setDaemon(true);
        return t;
    });
    /** Per server: whether its kick matches a userdb field (Dovecot 2.4). */
    private static final Map<URI, Boolean> KICKS_BY_FIELD = new ConcurrentHashMap<>();

    private MailServerSessions() {
    }

    /**
     * One app password ended, or expired ({@link AppPasswordHousekeeping}), in {@code session}'s transaction: its
     * sessions go.
     *
     * @param lastIp the address it was last used from, {@code null} if unknown (Dovecot 2.3 then kicks nobody)
     */
    static void ended(KeycloakSession session, RealmModel realm, UserModel user, String appPasswordId, String lastIp) {
        Pending pending = pending(session, realm);
        if (pending != null) {
            pending.targets.computeIfAbsent(user.getUsername(), n -> new Target(user)).appPasswords.put(appPasswordId, lastIp);
        }
    }

    /**
     * All of a user's app passwords ended in {@code session}'s transaction, or the user was disabled, deleted or
     * locked: every session of the user goes.
     */
    public static void userEnded(KeycloakSession session, RealmModel realm, UserModel user) {
        Pending pending = pending(session, realm);
        if (pending != null) {
            pending.targets.computeIfAbsent(user.getUsername(), n -> new Target(user)).whole = true;
        }
    }

    /**
     * This transaction's ends in the realm, sent once it commits; {@code null} if the realm tells no server. The
     * settings and the key are read here, inside the transaction: after it, the session's stores are done.
     */
    private static Pending pending(KeycloakSession session, RealmModel realm) {
        String attribute = PENDING + realm.getId();
        Pending pending = session.getAttribute(attribute, Pending.class);
        if (pending != null) {
            return pending;
        }
        DoveadmSettings settings = RealmPolicy.doveadm(realm);
        if (!settings.enabled()) {
            return null;
        }
        Pending created = new Pending(session.getKeycloakSessionFactory(),
                session.getProvider(ExecutorsProvider.class).getExecutor(EXECUTOR), realm.getId(), settings.urls(),
                settings.apiKey(session));
        session.setAttribute(attribute, created);
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                created.send();
            }

            @Override
            protected void rollbackImpl() {
            }
        });
        return created;
    }

    /** The ends of one transaction in one realm, per user name, and where to send them. */
    private record Pending(KeycloakSessionFactory factory, Executor executor, String realmId, List<URI> servers,
                           String key, Map<String, Target> targets) {

        Pending(KeycloakSessionFactory factory, Executor executor, String realmId, List<URI> servers, String key) {
            this(factory, executor, realmId, servers, key, new LinkedHashMap<>());
        }

        void send() {
            long deadline = System.nanoTime() + RETRY_FOR.toNanos();
            for (URI server : servers) {
                for (Target target : targets.values()) {
                    new Send(factory, executor, realmId, server, key, target, deadline).submit(Duration.ZERO);
                }
            }
        }

        @Override
        public String toString() { // records print every component: never the key
            return "Pending[" + realmId + ", " + servers + ", " + targets.keySet() + "]";
        }
    }

    /** Who to disconnect on one server: the whole user, or the sessions of some of its app passwords. */
    private static final class Target {
        final String username;
        /**
         * The names Dovecot may have cached the user under: the login name as Dovecot lower-cases it, which is
         * the user name or the e-mail (Keycloak takes either).
         */
        final List<String> cacheKeys;
        final Map<String, String> appPasswords = new LinkedHashMap<>(); // id -> last address, may be null
        boolean whole;

        Target(UserModel user) {
            this.username = user.getUsername();
            Set<String> keys = new LinkedHashSet<>();
            keys.add(username.toLowerCase(Locale.ROOT));
            if (user.getEmail() != null && !user.getEmail().isBlank()) {
                keys.add(user.getEmail().toLowerCase(Locale.ROOT));
            }
            this.cacheKeys = List.copyOf(keys);
        }
    }

    /** One server, one user: sent, then retried until it succeeds, is refused for good, or time is up. */
    private record Send(KeycloakSessionFactory factory, Executor executor, String realmId, URI server, String key,
                        Target target, long deadline, int attempt) {

        Send(KeycloakSessionFactory factory, Executor executor, String realmId, URI server, String key, Target target,
             long deadline) {
            this(factory, executor, realmId, server, key, target, deadline, 1);
        }

        @Override
        public String toString() { // records print every component: never the key
            return "Send[" + server + ", " + target.username + ", attempt " + attempt + "]";
        }

        void submit(Duration wait) {
            if (wait.isZero()) {
                executor.execute(this::run);
            } else {
                TIMER.schedule(() -> executor.execute(this::run), wait.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private void run() {
            Outcome outcome;
            try {
                outcome = DoveadmProtocol.SCHEME.equalsIgnoreCase(server.getScheme()) ? overTcp()
                        : post(commands(kicksByField()));
            } catch (DoveadmProtocol.Refused e) {
                outcome = Outcome.refused(e.getMessage());
            } catch (NotAnswered e) {
                outcome = e.outcome;
            } catch (Exception e) {
                outcome = Outcome.retry(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            if (outcome.ok()) {
                LOG.debugf("%s: sessions of %s ended (attempt %d)", server, target.username, attempt);
                return;
            }
            Duration wait = backoff(attempt);
            boolean again = outcome.retry() && System.nanoTime() + wait.toNanos() < deadline;
            LOG.warnf("%s: could not end the sessions of %s (attempt %d, %s): %s", server, target.username, attempt,
                    again ? "retrying in " + wait.toSeconds() + " s" : "giving up", outcome.problem());
            if (attempt == 1 || !again) {
                record(outcome.problem());
            }
            if (again) {
                new Send(factory, executor, realmId, server, key, target, deadline, attempt + 1).submit(wait);
            }
        }

        private boolean kicksByField() throws Exception {
            Boolean known = KICKS_BY_FIELD.get(server);
            if (known != null) {
                return known;
            }
            HttpResponse<String> r = HTTP.send(request().GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new NotAnswered(failed(r));
            }
            boolean byField = Doveadm.kickKnowsPassdbField(r.body());
            KICKS_BY_FIELD.put(server, byField);
            return byField;
        }

        private String commands(boolean byField) {
            if (target.whole) {
                return Doveadm.endUser(target.username, target.cacheKeys, byField);
            }
            return Doveadm.endAppPasswords(target.username, target.cacheKeys, target.appPasswords, byField);
        }

        /**
         * Over doveadm's TCP protocol: every command on one connection, in order (the flush before any kick);
         * each runs even if one before it failed, and the first failure is the outcome.
         */
        private Outcome overTcp() throws IOException {
            Boolean known = KICKS_BY_FIELD.get(server);
            if (known == null) {
                known = DoveadmProtocol.minorVersion(server) >= DoveadmProtocol.MINOR_OF_2_4;
                KICKS_BY_FIELD.put(server, known);
            }
            List<List<String>> commands = target.whole ? DoveadmProtocol.endUser(target.username, target.cacheKeys)
                    : DoveadmProtocol.endAppPasswords(target.username, target.cacheKeys, target.appPasswords, known);
            Outcome outcome = Outcome.OK;
            try (DoveadmProtocol connection = DoveadmProtocol.open(server, key)) {
                for (List<String> command : commands) {
                    DoveadmProtocol.Reply reply = connection.run(command);
                    if (outcome.ok() && !DoveadmProtocol.succeeded(command, reply)) {
                        String problem = String.join(" ", command.subList(0, command.indexOf("--")))
                                + " failed: " + (reply.error().isEmpty() ? "no reason given" : reply.error());
                        outcome = DoveadmProtocol.TEMPORARY.equals(reply.error()) ? Outcome.retry(problem)
                                : Outcome.refused(problem);
                    }
                }
            }
            return outcome;
        }

        private Outcome post(String body) throws Exception {
            HttpResponse<String> r = HTTP.send(request().header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                String error = Doveadm.firstError(r.body());
                return error == null ? Outcome.OK : Outcome.refused(error);
            }
            return failed(r);
        }

        /** An answer other than 200: a wrong key or URL stays wrong (no retry storm); a busy or down server passes. */
        private static Outcome failed(HttpResponse<String> r) {
            return r.statusCode() >= 500 ? Outcome.retry(describe(r)) : Outcome.refused(describe(r));
        }

        private HttpRequest.Builder request() {
            HttpRequest.Builder b = HttpRequest.newBuilder(server).timeout(Duration.ofSeconds(10));
            if (key != null) {
                b.header("Authorization", "X-Dovecot-API "
                        + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
            }
            return b;
        }

        private static String describe(HttpResponse<String> r) {
            return switch (r.statusCode()) {
                case 401, 403 -> "HTTP " + r.statusCode() + ": the doveadm API key is wrong (doveadmApiKey)";
                case 404 -> "HTTP 404: no doveadm API at this URL (doveadmUrls)";
                default -> "HTTP " + r.statusCode();
            };
        }

        /** An admin event with the error, where the realm stores admin events. */
        private void record(String problem) {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, s -> {
                    RealmModel realm = s.realms().getRealm(realmId);
                    if (realm == null || !realm.isAdminEventsEnabled()) {
                        return;
                    }
                    AdminEvent event = new AdminEvent();
                    event.setId(KeycloakModelUtils.generateId());
                    event.setTime(Time.currentTimeMillis());
                    event.setRealmId(realmId);
                    event.setRealmName(realm.getName());
                    AuthDetails auth = new AuthDetails();
                    auth.setRealmId(realmId);
                    event.setAuthDetails(auth);
                    event.setOperationType(OperationType.ACTION);
                    event.setResourceType(ResourceType.USER);
                    event.setResourcePath(RESOURCE_PATH);
                    event.setError(problem);
                    Map<String, String> details = new LinkedHashMap<>();
                    details.put("server", server.toString());
                    details.put("user", target.username);
                    details.put("attempt", String.valueOf(attempt));
                    event.setDetails(details);
                    s.getProvider(EventStoreProvider.class).onEvent(event, false);
                });
            } catch (RuntimeException e) {
                LOG.debugf("could not store the admin event for %s: %s", server, e.toString());
            }
        }
    }

    /** 2 s, doubling, at most {@link #LONGEST_WAIT}. */
    static Duration backoff(int attempt) {
        long seconds = FIRST_RETRY.toSeconds() << Math.min(attempt - 1, 10);
        return Duration.ofSeconds(Math.min(seconds, LONGEST_WAIT.toSeconds()));
    }

    /** The doveadm API did not answer the question before the commands: what that means for this send. */
    private static final class NotAnswered extends Exception {
        private final transient Outcome outcome;

        NotAnswered(Outcome outcome) {
            super(outcome.problem(), null, false, false);
            this.outcome = outcome;
        }
    }

    private record Outcome(boolean ok, boolean retry, String problem) {
        static final Outcome OK = new Outcome(true, false, null);

        static Outcome retry(String problem) {
            return new Outcome(false, true, problem);
        }

        static Outcome refused(String problem) {
            return new Outcome(false, false, problem);
        }
    }
}
