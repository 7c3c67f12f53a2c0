package io.apppasswords.keycloak.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;

import io.apppasswords.keycloak.it.Json;
import io.apppasswords.keycloak.it.MailServers;

/**
 * Checks, without a Docker engine, that docker/compose.yaml fits the mail templates MailServerIT runs and the
 * demo realm it imports: every placeholder a service's templates need is set, the mail client and its
 * secret exist in the realm, and the field Dovecot reads the user name from is what the realm's mapper puts
 * into the token response.
 */
class DockerSetupTest {

    private static final Path DOCKER = Path.of("docker");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    /** Compose's own interpolation, {@code ${VAR:-default}}, evaluated as on a machine that sets none of them. */
    private static final Pattern COMPOSE_DEFAULT = Pattern.compile("\\$\\{[A-Z0-9_]+:-([^}]*)}");

    private final Map<String, Object> compose = load();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load() {
        try {
            String text = Files.readString(DOCKER.resolve("compose.yaml"));
            return new Yaml().load(COMPOSE_DEFAULT.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> service(String name) {
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertNotNull(services.get(name), "service " + name);
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> environment(String name) {
        Map<String, String> env = new HashMap<>();
        ((Map<String, Object>) service(name).get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    private static List<Path> templates(String dir) throws IOException {
        try (var files = Files.list(DOCKER.resolve("mail").resolve(dir))) {
            // setup-debian.sh sits beside the templates it fills in on a Debian host; the image has no use for it
            return files.filter(f -> !f.getFileName().toString().endsWith(".sh")).sorted().toList();
        }
    }

    @Test
    void everyServiceIsThere() {
        for (String name : List.of("postgres", "keycloak", "dovecot", "postfix")) {
            service(name);
        }
        assertEquals(List.of("dovecot"), service("dovecot").get("command"));
        assertEquals(List.of("postfix"), service("postfix").get("command"));
    }

    /** What the entrypoint renders is what the tests render, and compose sets every value it needs. */
    @Test
    void composeSetsEveryPlaceholderOfTheMailTemplates() throws IOException {
        String entrypoint = Files.readString(DOCKER.resolve("mail/entrypoint.sh"));
        for (String server : List.of("dovecot", "postfix")) {
            Map<String, String> env = environment(server);
            List<Path> templates = templates(server);
            assertFalse(templates.isEmpty());
            TreeSet<String> missing = new TreeSet<>();
            for (Path template : templates) {
                assertTrue(entrypoint.contains("$templates/" + server + "/" + template.getFileName()),
                        "entrypoint.sh renders " + template);
                String text = Files.readString(template);
                Matcher m = PLACEHOLDER.matcher(text);
                while (m.find()) {
                    if (!env.containsKey(m.group(1))) {
                        missing.add(m.group(1));
                    }
                }
                if (missing.isEmpty()) {
                    assertFalse(PLACEHOLDER.matcher(MailServers.render(text, env, template)).find(), template.toString());
                }
            }
            assertTrue(missing.isEmpty(), "compose service " + server + " lacks " + missing);
        }
    }

    @Test
    void dovecotTalksToTheDemoRealmsMailClient() throws IOException {
        Map<String, String> env = environment("dovecot");
        JsonNode realm = Json.read(Files.readString(Path.of("src/test/resources/demo-realm.json")));
        assertEquals("http://keycloak:8080/realms/" + realm.path("realm").asText() + "/protocol/openid-connect/token",
                env.get("KEYCLOAK_TOKEN_URL"));

        JsonNode client = null;
        for (JsonNode c : realm.path("clients")) {
            if (c.path("clientId").asText().equals(env.get("MAIL_CLIENT_ID"))) {
                client = c;
            }
        }
        assertNotNull(client, "client " + env.get("MAIL_CLIENT_ID") + " in the demo realm");
        assertEquals(client.path("secret").asText(), env.get("MAIL_CLIENT_SECRET"));
        assertTrue(client.path("directAccessGrantsEnabled").asBoolean());
        String flowId = client.path("authenticationFlowBindingOverrides").path("direct_grant").asText();
        String flowAlias = null;
        for (JsonNode f : realm.path("authenticationFlows")) {
            if (f.path("id").asText().equals(flowId)) {
                flowAlias = f.path("alias").asText();
            }
        }
        assertEquals("app passwords only", flowAlias);

        // Dovecot takes the user name from the grant response, never from introspection (transient sessions)
        String oauth2 = Files.readString(DOCKER.resolve("mail/dovecot/dovecot-oauth2.conf.ext"));
        Matcher attribute = Pattern.compile("(?m)^username_attribute = (\\S+)$").matcher(oauth2);
        assertTrue(attribute.find());
        assertFalse(oauth2.contains("\nintrospection_url"), "no introspection");
        assertTrue(oauth2.contains("\nuse_grant_password = yes"));
        boolean mapped = false;
        for (JsonNode mapper : client.path("protocolMappers")) {
            JsonNode config = mapper.path("config");
            mapped |= mapper.path("protocolMapper").asText().equals("oidc-usersessionmodel-note-mapper")
                    && config.path("claim.name").asText().equals(attribute.group(1))
                    && config.path("access.tokenResponse.claim").asText().equals("true");
        }
        assertTrue(mapped, "the mail client puts " + attribute.group(1) + " into the token response");
    }

    @Test
    void keycloakImageAndRealmMatchTheBuild() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher version = Pattern.compile("<keycloak.version>([^<]+)</keycloak.version>").matcher(pom);
        assertTrue(version.find());
        assertTrue(Files.readString(DOCKER.resolve("Dockerfile")).contains("ARG KEYCLOAK_VERSION=" + version.group(1)),
                "docker/Dockerfile uses Keycloak " + version.group(1));

        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) service("keycloak").get("volumes");
        String realmFile = volumes.stream().filter(v -> v.contains("/opt/keycloak/data/import/")).findFirst().orElseThrow();
        assertTrue(Files.isRegularFile(DOCKER.resolve(realmFile.substring(0, realmFile.indexOf(':')))), realmFile);
    }
}
