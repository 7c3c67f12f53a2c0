package io.apppasswords.keycloak.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.apppasswords.keycloak.it.Dovecot;
import io.apppasswords.keycloak.it.MailServers;

/**
 * The README's Dovecot blocks are the templates DovecotLuaPassdbIT runs, filled in with the README's
 * placeholders: what admins copy is what is tested.
 */
class ReadmeDovecotBlocksTest {

    /** What the README shows where the tests put their own values. */
    private static final Map<String, String> README_VALUES = Map.of(
            "KEYCLOAK_TOKEN_URL", "https://sso.example.com/realms/YOUR-REALM/protocol/openid-connect/token",
            "MAIL_CLIENT_ID", "mail-server",
            "MAIL_CLIENT_SECRET", "THE-CLIENT-SECRET",
            "DOVECOT_CONF_DIR", "/etc/dovecot",
            "MAIL_UID", "vmail",
            "MAIL_GID", "vmail",
            "MAIL_ROOT", "/var/mail/vhosts");

    private static String readme() throws IOException {
        return Files.readString(Path.of("README.md"));
    }

    private static String block(Path template) throws IOException {
        return "```\n" + MailServers.render(Files.readString(template), README_VALUES, template) + "```\n";
    }

    @Test
    void theDovecot24SectionStartsWithTheTemplatedAuthPart() throws IOException {
        String readme = readme();
        String section = readme.substring(readme.indexOf("### 3. Dovecot 2.4\n"));
        String afterHeading = section.substring(section.indexOf('\n') + 1).stripLeading();
        assertTrue(afterHeading.startsWith(block(Dovecot.Line.V2_4.authTemplate())),
                "README's Dovecot 2.4 section must start with docker/mail/dovecot-2.4/auth-keycloak.conf, filled in");
        assertTrue(afterHeading.contains("docker/mail/dovecot/" + Dovecot.SCRIPT), "names the shipped script");
        assertTrue(Files.exists(Dovecot.TEMPLATES.resolve(Dovecot.SCRIPT)));
    }

    @Test
    void theDovecot23LuaBlocksAreTheTemplates() throws IOException {
        String readme = readme();
        assertTrue(readme.contains(block(Dovecot.Line.V2_3.authTemplate())), "auth-keycloak-2.3.conf");
        assertTrue(readme.contains(block(Dovecot.TEMPLATES.resolve(Dovecot.SETTINGS_23))), Dovecot.SETTINGS_23);
    }

    @Test
    void bothAuthPartsNameTheScriptByTheShippedFileName() throws IOException {
        for (Dovecot.Line line : Dovecot.Line.values()) {
            String conf = Files.readString(line.authTemplate());
            assertEquals(1, conf.split("\\$\\{DOVECOT_CONF_DIR}/" + Dovecot.SCRIPT, -1).length - 1, line.toString());
        }
    }
}
