package io.apppasswords.keycloak.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.policy.Setting;
import io.apppasswords.keycloak.policy.Settings;

/**
 * The settings the docs name are the settings of the code's one catalogue ({@link Settings}), and the reverse.
 * A documented setting is the key in the first column of a table headed "setting" (realm policy, the
 * app-password step), or a server option {@code --spi-credential--app-password--...} anywhere in the docs.
 */
class DocumentedSettingsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String SPI_PREFIX = "--spi-credential--" + AppPasswordCredentialModel.TYPE + "--";
    private static final Pattern SPI_OPTION = Pattern.compile(Pattern.quote(SPI_PREFIX) + "([a-z0-9-]+)");
    private static final Pattern FIRST_CODE = Pattern.compile("`([^`]+)`");

    /** How a setting is named in the docs: its key, a server option as kc.sh takes it. */
    private static String documentedName(Setting<?> setting) {
        return setting.source() == Setting.Source.SERVER_OPTION
                ? SPI_PREFIX + setting.key().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)
                : setting.key();
    }

    /** What the docs name as settings. */
    private static Set<String> documented() throws IOException {
        Set<String> named = new TreeSet<>();
        for (Markdown md : Markdown.all(ROOT)) {
            for (List<String> row : md.tableRows("setting")) {
                Matcher key = FIRST_CODE.matcher(row.get(0));
                assertTrue(key.find(), ROOT.relativize(md.file) + ": a settings row without its key: " + row);
                named.add(key.group(1));
            }
            Matcher spi = SPI_OPTION.matcher(md.prose());
            while (spi.find()) {
                named.add(spi.group());
            }
        }
        return named;
    }

    @Test
    void everyDocumentedSettingExists() throws IOException {
        Set<String> catalogue = Settings.all().stream().map(DocumentedSettingsTest::documentedName).collect(Collectors.toSet());
        Set<String> documented = documented();
        assertTrue(documented.size() >= 15, "found the settings tables: " + documented);
        List<String> unknown = new ArrayList<>(documented);
        unknown.removeAll(catalogue);
        assertEquals(List.of(), unknown, "settings the docs name that the code does not have");
    }

    /** The default column of every settings table says the catalogue's default. */
    @Test
    void documentedDefaultsAreTheCataloguesDefaults() throws IOException {
        Map<String, Setting<?>> byKey = new TreeMap<>();
        Settings.all().forEach(setting -> byKey.put(setting.key(), setting));
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Markdown md : Markdown.all(ROOT)) {
            for (List<String> row : md.tableRows("setting")) {
                Matcher key = FIRST_CODE.matcher(row.get(0));
                Setting<?> setting = key.find() ? byKey.get(key.group(1)) : null;
                if (setting != null && row.size() > 2) {
                    checked++;
                    if (!saysDefault(row.get(1), setting.defaultValue())) {
                        wrong.add(ROOT.relativize(md.file) + ": " + setting.key() + " default '" + row.get(1)
                                + "', the catalogue says " + setting.defaultValue());
                    }
                }
            }
        }
        assertTrue(checked >= 15, "checked the default columns: " + checked);
        assertEquals(List.of(), wrong);
    }

    /** How the docs write a default: true/on, false/off, the number first, "empty"/"none" for nothing. */
    static boolean saysDefault(String cell, Object value) {
        String text = cell.toLowerCase(Locale.ROOT).replace("`", "");
        if (value instanceof Boolean b) {
            return b ? text.startsWith("true") || text.startsWith("on") : text.startsWith("false") || text.startsWith("off");
        }
        if (value instanceof Integer n) {
            Matcher number = Pattern.compile("\\d+").matcher(text);
            return number.find() && Integer.parseInt(number.group()) == n;
        }
        if (value == null || (value instanceof List<?> list && list.isEmpty()) || "".equals(value)) {
            return text.startsWith("empty") || text.startsWith("none");
        }
        return text.startsWith(value.toString().toLowerCase(Locale.ROOT));
    }

    @Test
    void theDefaultReaderKnowsTheDocsWords() {
        assertTrue(saysDefault("`true`", true));
        assertTrue(saysDefault("on", true));
        assertTrue(!saysDefault("on", false));
        assertTrue(saysDefault("`0` (never)", 0));
        assertTrue(saysDefault("3600 s", 3600));
        assertTrue(!saysDefault("`40`", 41));
        assertTrue(saysDefault("empty", List.of()));
        assertTrue(saysDefault("none (the demo realm: `mail-server`)", null));
        assertTrue(saysDefault("`X-Dovecot-Auth-Remote`", "X-Dovecot-Auth-Remote"));
    }

    @Test
    void everySettingIsDocumented() throws IOException {
        Set<String> documented = documented();
        Map<Setting.Source, Set<String>> missing = new TreeMap<>();
        for (Setting<?> setting : Settings.all()) {
            if (!documented.contains(documentedName(setting))) {
                missing.computeIfAbsent(setting.source(), s -> new TreeSet<>()).add(setting.key());
            }
        }
        assertEquals(Map.of(), missing, "settings of the catalogue no docs table names");
    }
}
