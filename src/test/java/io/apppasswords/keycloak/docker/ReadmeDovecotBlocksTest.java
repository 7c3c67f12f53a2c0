package io.apppasswords.keycloak.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.apppasswords.keycloak.it.Dovecot;
import io.apppasswords.keycloak.it.MailServers;

/**
 * The docs' mail-server blocks against the templates the tests run: the Lua passdb's blocks in docs/DOVECOT.md
 * are those templates (DovecotLuaPassdbIT, and setup-debian.sh fills in the same, DebianSetupScriptIT), filled
 * in with the docs' placeholders; the excerpts for 2.3's built-in passdb (its appendix) and for Postfix
 * (docs/POSTFIX.md) set nothing the templates MailServerIT runs set differently. What admins
 * copy is what is tested.
 */
class ReadmeDovecotBlocksTest {

    /** What the docs show where the tests put their own values. */
    private static final Map<String, String> README_VALUES = Map.of(
            "KEYCLOAK_TOKEN_URL", "https://sso.example.com/realms/YOUR-REALM/protocol/openid-connect/token",
            "MAIL_CLIENT_ID", "mail-server",
            "MAIL_CLIENT_SECRET", "THE-CLIENT-SECRET",
            "DOVECOT_CONF_DIR", "/etc/dovecot",
            "MAIL_UID", "vmail",
            "MAIL_GID", "vmail",
            "MAIL_ROOT", "/var/mail/vhosts",
            "TLS_KEY", "/etc/ssl/private/mail.key",
            "TLS_CERT", "/etc/ssl/certs/mail.pem");

    /**
     * Settings of the excerpts that are the admin's own by nature: Keycloak's CA (the tests' Keycloak speaks
     * plain HTTP on loopback) and where Postfix finds Dovecot's auth service (a socket in a stock Postfix
     * chroot, a TCP port in the tests; the README names both).
     */
    private static final Set<String> ADMINS_OWN = Set.of("tls_ca_cert_file", "smtpd_sasl_path");

    /** Where the Dovecot blocks live: the README links there from its step 2. */
    private static final Path DOVECOT_DOC = Path.of("docs/DOVECOT.md");

    private static String dovecotDoc() throws IOException {
        assertTrue(Files.readString(Path.of("README.md")).contains("](" + DOVECOT_DOC + ")"), "the README links " + DOVECOT_DOC);
        return Files.readString(DOVECOT_DOC);
    }

    /** The Postfix excerpts: docs/POSTFIX.md, which the README's step 3 links. */
    private static String postfixDoc() throws IOException {
        assertTrue(Files.readString(Path.of("README.md")).contains("](docs/POSTFIX.md)"), "the README links docs/POSTFIX.md");
        return Files.readString(Path.of("docs/POSTFIX.md"));
    }

    private static String block(Path template) throws IOException {
        return "```\n" + MailServers.render(Files.readString(template), README_VALUES, template) + "```\n";
    }

    @Test
    void theDovecot24SectionShowsTheTemplatedAuthPart() throws IOException {
        String doc = dovecotDoc();
        String section = doc.substring(doc.indexOf("## By hand: Dovecot 2.4"));
        assertTrue(section.contains(block(Dovecot.Line.V2_4.authTemplate())),
                "docs/DOVECOT.md's Dovecot 2.4 section shows docker/mail/dovecot-2.4/auth-keycloak.conf, filled in");
        assertTrue(doc.contains("docker/mail/dovecot/" + Dovecot.SCRIPT), "names the shipped script");
        assertTrue(Files.exists(Dovecot.TEMPLATES.resolve(Dovecot.SCRIPT)));
    }

    @Test
    void theDovecot23LuaBlocksAreTheTemplates() throws IOException {
        String doc = dovecotDoc();
        assertTrue(doc.contains(block(Dovecot.Line.V2_3.authTemplate())), "auth-keycloak-2.3.conf");
        assertTrue(doc.contains(block(Dovecot.TEMPLATES.resolve(Dovecot.SETTINGS_23))), Dovecot.SETTINGS_23);
    }

    @Test
    void theDovecot23BuiltInPassdbExcerptsSetWhatTheTestedTemplatesSet() throws IOException {
        String doc = dovecotDoc();
        assertAgrees(excerpt(doc, "`dovecot.conf` (full file:"), "dovecot/dovecot.conf");
        assertAgrees(excerpt(doc, "`dovecot-oauth2.conf.ext` (mode 0600"), "dovecot/dovecot-oauth2.conf.ext");
    }

    /** The Postfix blocks live in docs/POSTFIX.md (PostfixIT hands them to Postfix itself). */
    @Test
    void thePostfixExcerptsSetWhatTheTestedTemplatesSet() throws IOException {
        String doc = postfixDoc();
        assertAgrees(excerpt(doc, "`main.cf` ([full template]"), "postfix/main.cf");
        Map<String, String> submission = assertAgrees(excerpt(doc, "`master.cf` ([full template]"),
                "postfix/master.cf");
        assertTrue(submission.containsKey("-o smtpd_sasl_auth_enable"), "the excerpt shows the service's options");
    }

    /** The settings of {@code excerpt}, each the same in the template; returns them. */
    private static Map<String, String> assertAgrees(String excerpt, String template) throws IOException {
        Map<String, String> shown = settings(excerpt);
        assertTrue(shown.size() >= 4, "parsed the README excerpt for " + template + ": " + shown);
        String text = Files.readString(MailServers.TEMPLATES.resolve(template));
        for (Map.Entry<String, String> value : README_VALUES.entrySet()) {
            text = text.replace("${" + value.getKey() + "}", value.getValue());
        }
        Map<String, String> tested = settings(text);
        shown.forEach((key, value) -> {
            if (!ADMINS_OWN.contains(key)) {
                assertEquals(value, tested.get(key), "the docs' " + key + " vs docker/mail/" + template);
            }
        });
        return shown;
    }

    /** The first fenced block after {@code marker}. */
    private static String excerpt(String doc, String marker) {
        int at = doc.indexOf(marker);
        assertTrue(at >= 0, "the docs have " + marker);
        int open = doc.indexOf("```\n", at) + 4;
        return doc.substring(open, doc.indexOf("```", open));
    }

    /**
     * Dovecot and Postfix settings as "section/key" → value (Dovecot's nested sections, Postfix master.cf's
     * {@code -o key=value} as "-o key"); comments, blank lines and master.cf's service lines left out.
     */
    static Map<String, String> settings(String config) {
        Map<String, String> settings = new LinkedHashMap<>();
        Deque<String> sections = new ArrayDeque<>();
        for (String raw : config.split("\n")) {
            String line = raw.replaceFirst("(^|\\s)#.*$", "").trim();
            if (line.endsWith("{")) {
                sections.addLast(line.substring(0, line.length() - 1).trim() + "/");
            } else if (line.equals("}")) {
                sections.removeLast();
            } else if (line.contains("=")) {
                int eq = line.indexOf('=');
                String key = line.startsWith("-o ") ? "-o " + line.substring(3, eq).trim()
                        : String.join("", sections) + line.substring(0, eq).trim();
                settings.put(key, line.substring(eq + 1).trim());
            }
        }
        return settings;
    }

    @Test
    void theSettingsReaderKnowsSectionsCommentsAndServiceOptions() {
        Map<String, String> read = settings("""
                # a comment = not a setting
                auth_cache_size = 0   # trailing comment
                passdb {
                  args = /etc/x.conf.ext
                }
                submission inet n - y - - smtpd
                  -o smtpd_tls_auth_only=yes
                """);
        assertEquals(Map.of("auth_cache_size", "0", "passdb/args", "/etc/x.conf.ext", "-o smtpd_tls_auth_only", "yes"), read);
    }

    @Test
    void bothAuthPartsNameTheScriptByTheShippedFileName() throws IOException {
        for (Dovecot.Line line : Dovecot.Line.values()) {
            String conf = Files.readString(line.authTemplate());
            assertEquals(1, conf.split("\\$\\{DOVECOT_CONF_DIR}/" + Dovecot.SCRIPT, -1).length - 1, line.toString());
        }
    }
}
