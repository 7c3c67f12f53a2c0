package io.apppasswords.keycloak.rest;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;

/**
 * The inventory as CSV (RFC 4180, CRLF line ends), safe to open in a spreadsheet: a value a spreadsheet would
 * run as a formula gets a leading apostrophe (OWASP's advice on CSV injection), and a value with a comma,
 * quote or line break is quoted with its quotes doubled. Lists are separated by spaces; an empty
 * {@code protocols} cell means not limited, as {@code null} does in JSON. New columns go at the end, so
 * that scripts reading columns by position keep working.
 */
final class InventoryCsv {

    static final List<String> HEADER = List.of("id", "userId", "username", "name", "createdAt", "lastUsedAt",
            "lastUsedIp", "lastUsedClient", "expiresAt", "expired", "clients", "protocols", "lastUsedProtocol", "networks");

    private InventoryCsv() {
    }

    static void header(Writer out) throws IOException {
        line(out, HEADER);
    }

    static void row(Writer out, InventoryRepresentation r) throws IOException {
        line(out, Arrays.asList(r.id, r.userId, r.username, r.name, r.createdAt, r.lastUsedAt, r.lastUsedIp,
                r.lastUsedClient, r.expiresAt, String.valueOf(r.expired), String.join(" ", r.clients),
                r.protocols == null ? null : String.join(" ", r.protocols), r.lastUsedProtocol,
                r.networks == null ? null : String.join(" ", r.networks)));
    }

    private static void line(Writer out, List<String> values) throws IOException {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(values.get(i)));
        }
        out.write("\r\n");
    }

    /** One value, neutralised and escaped; {@code null} is the empty cell. */
    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
