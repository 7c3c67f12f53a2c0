package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.lifecycle.AppPasswordInventory;

/** A row of the realm-wide inventory: an app password as the per-user APIs show it, and whose it is. */
public class InventoryRepresentation extends AppPasswordRepresentation {

    public String userId;
    public String username;

    static InventoryRepresentation of(AppPasswordInventory.Row row) {
        InventoryRepresentation rep = fill(new InventoryRepresentation(), row.credential());
        rep.userId = row.userId();
        rep.username = row.username();
        return rep;
    }
}
