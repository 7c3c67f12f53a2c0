package io.apppasswords.keycloak.rest;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InventoryCsvTest {

    @Test
    void plainValuesStayAsTheyAre() {
        assertEquals("Thunderbird laptop", InventoryCsv.cell("Thunderbird laptop"));
        assertEquals("2024-06-01T10:00:00Z", InventoryCsv.cell("2024-06-01T10:00:00Z"));
        assertEquals("::1", InventoryCsv.cell("::1"));
        assertEquals("", InventoryCsv.cell(null));
        assertEquals("", InventoryCsv.cell(""));
    }

    @Test
    void formulasAreNeutralised() {
        assertEquals("'=1+2", InventoryCsv.cell("=1+2"));
        assertEquals("'+49 phone", InventoryCsv.cell("+49 phone"));
        assertEquals("'-cmd", InventoryCsv.cell("-cmd"));
        assertEquals("'@SUM(A1)", InventoryCsv.cell("@SUM(A1)"));
        assertEquals("'\tx", InventoryCsv.cell("\tx"));
        assertEquals("a=b", InventoryCsv.cell("a=b"), "only a leading sign starts a formula");
    }

    @Test
    void commasQuotesAndLineBreaksAreQuoted() {
        assertEquals("\"a,b\"", InventoryCsv.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", InventoryCsv.cell("say \"hi\""));
        assertEquals("\"one\ntwo\"", InventoryCsv.cell("one\ntwo"));
        assertEquals("\"one\r\ntwo\"", InventoryCsv.cell("one\r\ntwo"));
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", InventoryCsv.cell("=HYPERLINK(\"http://x\",\"y\")"));
    }

    @Test
    void aRowHasEveryColumnInHeaderOrder() throws Exception {
        InventoryRepresentation r = new InventoryRepresentation();
        r.id = "c1";
        r.userId = "u1";
        r.username = "alice";
        r.name = "Phone, work";
        r.createdAt = "2024-01-01T00:00:00Z";
        r.clients = List.of("mail-server", "caldav");
        r.networks = List.of("192.0.2.0/24", "2001:db8::/32");
        StringWriter out = new StringWriter();
        InventoryCsv.header(out);
        r.protocols = List.of("imap", "smtp");
        r.lastUsedProtocol = "imap";
        InventoryCsv.row(out, r);
        r.protocols = null;
        r.lastUsedProtocol = null;
        r.networks = null;
        InventoryCsv.row(out, r);
        assertEquals("id,userId,username,name,createdAt,lastUsedAt,lastUsedIp,lastUsedClient,expiresAt,expired,clients,"
                + "protocols,lastUsedProtocol,networks\r\n"
                + "c1,u1,alice,\"Phone, work\",2024-01-01T00:00:00Z,,,,,false,mail-server caldav,imap smtp,imap,"
                + "192.0.2.0/24 2001:db8::/32\r\n"
                + "c1,u1,alice,\"Phone, work\",2024-01-01T00:00:00Z,,,,,false,mail-server caldav,,,\r\n", out.toString());
    }
}
