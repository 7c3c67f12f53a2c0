package io.apppasswords.keycloak.docker;

import io.apppasswords.keycloak.it.DavServers;
import io.apppasswords.keycloak.it.DemoRealm;
import io.apppasswords.keycloak.it.MailServers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/HTTP-SERVICES.md shows the nginx, Caddy and Radicale configurations {@code DavServicesIT} runs, filled in with
 * the docs' example values: what admins copy is what is tested.
 */
class HttpServicesDocsTest {

    /** What the docs show where the tests put their own values. */
    private static final Map<String, String> DOCS_VALUES = Map.ofEntries(
            Map.entry("LISTEN", "443 ssl"),
            Map.entry("SERVER_NAME", "dav.example.com"),
            Map.entry("SITE", "dav.example.com"),
            Map.entry("TLS", "ssl_certificate /etc/ssl/certs/dav.example.com.pem;\n"
                    + "    ssl_certificate_key /etc/ssl/private/dav.example.com.key;"),
            Map.entry("KEYCLOAK_URL", "https://sso.example.com"),
            Map.entry("REALM", "YOUR-REALM"),
            Map.entry("PROXY_CLIENT_ID", DemoRealm.PROXY),
            Map.entry("PROXY_CLIENT_SECRET", "THE-CLIENT-SECRET"),
            Map.entry("RADICALE", "127.0.0.1:5232"),
            Map.entry("CALENDAR_SERVER", "127.0.0.1:5232"),
            Map.entry("CONTACTS_SERVER", "127.0.0.1:5233"),
            Map.entry("WEBDAV_ROOT", "/srv/webdav"),
            Map.entry("RADICALE_LISTEN", "127.0.0.1:5232"),
            Map.entry("RADICALE_STORAGE", "/var/lib/radicale/collections"));

    @Test
    void theDocsShowEachTemplateTheTestsRunVerbatim() throws IOException {
        String docs = Files.readString(Path.of("docs", "HTTP-SERVICES.md"));
        for (var template : Map.of(DavServers.ONE_RADICALE_TEMPLATE, "nginx", DavServers.SEPARATE_TEMPLATE, "nginx",
                DavServers.RADICALE_TEMPLATE, "ini", DavServers.CADDY_TEMPLATE, "caddy").entrySet()) {
            String block = "```" + template.getValue() + "\n"
                    + MailServers.render(Files.readString(template.getKey()), DOCS_VALUES, template.getKey()) + "```\n";
            assertTrue(docs.contains(block), "docs/HTTP-SERVICES.md lacks " + template.getKey() + " as\n" + block);
        }
    }
}
