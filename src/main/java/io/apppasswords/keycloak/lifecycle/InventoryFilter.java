package io.apppasswords.keycloak.lifecycle;

/**
 * What an admin asks the realm-wide inventory for; every part optional, all of them combined with AND.
 *
 * @param search       substring of the user name, e-mail or app password name, any case; {@code null} for all
 * @param neverUsed    only app passwords never used
 * @param unusedDays   only those last used (never used: created) more than this many days ago; {@code null} for all
 * @param expiringDays only those expiring within this many days and not expired yet; {@code null} for all
 * @param expired      only expired ones
 */
public record InventoryFilter(String search, boolean neverUsed, Integer unusedDays, Integer expiringDays,
                              boolean expired) {

    public InventoryFilter {
        search = search == null || search.isBlank() ? null : search.strip();
    }

    /** True when nothing is filtered: a bulk revocation refuses that. */
    public boolean isEmpty() {
        return search == null && !neverUsed && unusedDays == null && expiringDays == null && !expired;
    }
}
