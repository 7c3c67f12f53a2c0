package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.KeycloakJpa;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Every app password of a realm, sorted by user name, then name, then id, filtered in the database.
 *
 * <p>Last use and expiry live inside the JSON {@code credentialData} column, which Keycloak's schema does not
 * index and this extension cannot change. The filters read them with the portable JPQL functions
 * {@code LOCATE} and {@code SUBSTRING}: Keycloak writes the JSON compactly ({@code "lastUsedAt":1718000000000}),
 * and epoch milliseconds have 13 digits from 2001 to 2286, so comparing the 13 characters after the key as
 * text compares the times. The filter is exact, so paging and bulk revocation see the same rows.
 *
 * <p>{@code search} has no index to use either (a substring, any case). A query that tests it on the joined
 * rows lets the database choose between walking in sort order (fast when many rows match) and joining
 * everything (seconds at 500,000 rows when few do), and its estimate cannot tell which case it is. So the
 * matching users and the matching names are looked up first, each in its own table, stopping at
 * {@value #FEW} matches; when both stay below, the page is read by those ids (primary key and user
 * indexes), else by the walk, which then finds matches quickly.
 *
 * <p>Rows are scalars: the secret column is never read.
 */
public final class AppPasswordInventory {

    /** One app password with its user; {@link #credential()} carries no secret. */
    public record Row(String id, String userId, String username, String name, Long createdDate,
                      String credentialData) {

        public Position position() {
            return new Position(username, name, id);
        }

        public AppPasswordCredentialModel credential() {
            CredentialModel model = new CredentialModel();
            model.setId(id);
            model.setType(AppPasswordCredentialModel.TYPE);
            model.setUserLabel(name);
            model.setCreatedDate(createdDate);
            model.setCredentialData(credentialData);
            return AppPasswordCredentialModel.from(model);
        }
    }

    /**
     * Where a row sits in the inventory's order; {@link #cursor()} is its opaque text form for the next
     * page's {@code after}.
     */
    public record Position(String username, String name, String id) {

        public String cursor() {
            try {
                return Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(JsonSerialization.writeValueAsBytes(new String[]{username, name, id}));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The position a {@link #cursor()} names; {@link IllegalArgumentException} for anything else. */
        public static Position ofCursor(String cursor) {
            String[] parts;
            try {
                parts = JsonSerialization.readValue(new String(Base64.getUrlDecoder().decode(cursor),
                        StandardCharsets.UTF_8), String[].class);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("not a cursor", e);
            }
            if (parts == null || parts.length != 3 || parts[0] == null || parts[1] == null || parts[2] == null) {
                throw new IllegalArgumentException("not a cursor");
            }
            return new Position(parts[0], parts[1], parts[2]);
        }
    }

    /** Up to this many matching users and names are read by id; more go by the walk. */
    static final int FEW = 500;

    static final String LAST_USED = "\"lastUsedAt\":";
    static final String EXPIRES = "\"expiresAt\":";
    private static final int MILLIS_DIGITS = 13;

    private final KeycloakSession session;
    private final RealmModel realm;

    public AppPasswordInventory(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** Rows {@code first} to {@code first + max - 1} of the sorted, filtered inventory. */
    public List<Row> page(InventoryFilter filter, long now, int first, int max) {
        return query(filter, now, null).setFirstResult(first).setMaxResults(max).getResultList().stream()
                .map(AppPasswordInventory::row).toList();
    }

    /**
     * Up to {@code max} rows after {@code after} (from the start if {@code null}): keyset paging, so walking
     * the whole inventory costs the same per page at the end as at the start, and rows deleted behind the
     * walk (a bulk revocation) shift nothing.
     */
    public List<Row> after(InventoryFilter filter, long now, Position after, int max) {
        return query(filter, now, after).setMaxResults(max).getResultList().stream()
                .map(AppPasswordInventory::row).toList();
    }

    private TypedQuery<Object[]> query(InventoryFilter f, long now, Position after) {
        EntityManager em = KeycloakJpa.entityManager(session);
        StringBuilder jpql = new StringBuilder("select c.id, u.id, u.username, c.userLabel, c.createdDate, c.credentialData"
                + " from CredentialEntity c join c.user u where u.realmId = :realm and c.type = :type");
        List<Object[]> parameters = new ArrayList<>();
        parameters.add(new Object[]{"realm", realm.getId()});
        parameters.add(new Object[]{"type", AppPasswordCredentialModel.TYPE});
        if (f.search() != null) {
            String pattern = "%" + likeEscaped(f.search().toLowerCase(Locale.ROOT)) + "%";
            List<String> users = em.createQuery("select u.id from UserEntity u where u.realmId = :realm and"
                            + " (lower(u.username) like :search escape '!' or lower(u.email) like :search escape '!')", String.class)
                    .setParameter("realm", realm.getId()).setParameter("search", pattern)
                    .setMaxResults(FEW).getResultList();
            List<String> named = users.size() == FEW ? List.of() : em.createQuery("select c.id from CredentialEntity c"
                            + " where c.type = :type and lower(c.userLabel) like :search escape '!'", String.class)
                    .setParameter("type", AppPasswordCredentialModel.TYPE).setParameter("search", pattern)
                    .setMaxResults(FEW).getResultList();
            if (users.size() == FEW || named.size() == FEW) {
                // Many match, but a planner guesses few for a LIKE on an expression and joins every row before
                // sorting (PostgreSQL: 0.8 s at 500,000, BENCHMARKS.md). As a CASE compared with ">" it guesses
                // a third, so it walks in sort order and stops when the page is full.
                jpql.append(" and (case when lower(u.username) like :search escape '!' or lower(u.email) like :search escape '!'"
                        + " or lower(c.userLabel) like :search escape '!' then 1 else 0 end) > 0");
                parameters.add(new Object[]{"search", pattern});
            } else {
                // On the credential's own columns, so that each side can use its index.
                List<String> any = new ArrayList<>(List.of("1 = 0"));
                if (!users.isEmpty()) {
                    any.add("c.user.id in :users");
                    parameters.add(new Object[]{"users", users});
                }
                if (!named.isEmpty()) {
                    any.add("c.id in :named");
                    parameters.add(new Object[]{"named", named});
                }
                jpql.append(" and (").append(String.join(" or ", any)).append(')');
            }
        }
        if (f.neverUsed()) {
            jpql.append(" and ").append(absent(LAST_USED));
        }
        if (f.unusedDays() != null) {
            long cutoff = now - Duration.ofDays(f.unusedDays()).toMillis();
            jpql.append(" and ((").append(absent(LAST_USED)).append(" and c.createdDate < :unusedCutoff) or (")
                    .append(present(LAST_USED)).append(" and ").append(value(LAST_USED)).append(" < :unusedCutoffText))");
            parameters.add(new Object[]{"unusedCutoff", cutoff});
            parameters.add(new Object[]{"unusedCutoffText", millis(cutoff)});
        }
        if (f.expiringDays() != null) {
            jpql.append(" and ").append(present(EXPIRES)).append(" and ").append(value(EXPIRES)).append(" > :nowText and ")
                    .append(value(EXPIRES)).append(" <= :expiringUntilText");
            parameters.add(new Object[]{"expiringUntilText", millis(now + Duration.ofDays(f.expiringDays()).toMillis())});
        }
        if (f.expired()) {
            jpql.append(" and ").append(present(EXPIRES)).append(" and ").append(value(EXPIRES)).append(" <= :nowText");
        }
        if (f.expiringDays() != null || f.expired()) {
            parameters.add(new Object[]{"nowText", millis(now)});
        }
        if (after != null) {
            // Written out rather than as a row value: JPQL has none, and the user name test alone lets the
            // database start the walk in the (realm, user name) index.
            jpql.append(" and u.username >= :afterUser and (u.username > :afterUser or c.userLabel > :afterName"
                    + " or (c.userLabel = :afterName and c.id > :afterId))");
            parameters.add(new Object[]{"afterUser", after.username()});
            parameters.add(new Object[]{"afterName", after.name()});
            parameters.add(new Object[]{"afterId", after.id()});
        }
        jpql.append(" order by u.username, c.userLabel, c.id");
        TypedQuery<Object[]> query = em.createQuery(jpql.toString(), Object[].class);
        parameters.forEach(p -> query.setParameter((String) p[0], p[1]));
        return query;
    }

    /** JPQL: the credential {@code c}'s JSON data holds no {@code key} (a time's, as {@code "name":}). */
    static String absent(String key) {
        return "locate('" + key + "', c.credentialData) = 0";
    }

    /** JPQL: the credential {@code c}'s JSON data holds {@code key}. */
    static String present(String key) {
        return "locate('" + key + "', c.credentialData) > 0";
    }

    /** JPQL: the 13 digits of the time under {@code key} in {@code c}'s JSON data, to compare with {@link #millis}. */
    static String value(String key) {
        return "substring(c.credentialData, locate('" + key + "', c.credentialData) + " + key.length() + ", "
                + MILLIS_DIGITS + ")";
    }

    /** A time as the 13 digits it has in the JSON; clamped so that text order stays time order. */
    static String millis(long epochMillis) {
        long clamped = Math.max(0, Math.min(epochMillis, 9_999_999_999_999L));
        return String.format(Locale.ROOT, "%013d", clamped);
    }

    private static String likeEscaped(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static Row row(Object[] r) {
        return new Row((String) r[0], (String) r[1], (String) r[2], (String) r[3], (Long) r[4], (String) r[5]);
    }
}
