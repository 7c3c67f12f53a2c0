package io.apppasswords.keycloak.theme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.apppasswords.keycloak.credential.AppPasswordError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Static checks of the theme messages in {@code themes/messages/}: one file for every locale Keycloak's login
 * theme ships, each with exactly the keys of the English file in its order and the text of every refusal
 * ({@link AppPasswordError}: pages, REST APIs, forward-auth, token endpoint), the same placeholders, values
 * that Keycloak renders as written, and real translations rather than English copies.
 */
class ThemeMessagesTest {

    private static final Path DIR = Path.of("themes", "messages");
    private static final Pattern FILE = Pattern.compile("messages_(.+)\\.properties");
    /** {0}, {1,number}, ...: the argument index of a MessageFormat placeholder. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\s*(\\d+)\\s*(?:,[^{}]*)?}");

    /**
     * The 41 locales of Keycloak 26.7's login theme, named as Keycloak looks up an extension's messages:
     * by the realm locale's own tag. Keycloak offers Chinese as zh-CN and zh-TW (its own bundles are called
     * zh_Hans/zh_Hant, but a provider's theme resources are found as messages_zh_CN/messages_zh_TW only).
     */
    static final List<String> LOCALES = List.of(
            "ar", "az", "ca", "cs", "da", "de", "el", "en", "es", "eu", "fa", "fi", "fr", "hr", "hu", "hy",
            "id", "it", "ja", "ka", "kk", "ko", "ky", "lt", "lv", "nl", "no", "pl", "pt", "pt_BR", "ro", "ru",
            "sk", "sl", "sv", "th", "tr", "uk", "vi", "zh_CN", "zh_TW");

    /**
     * Keys that never pass through {@link MessageFormat}: the account console translates them itself
     * (i18next, with the credential type's display name and help text, the info property labels and the
     * expiry warning that AppPasswordCredentialProvider hands it), and appPasswordClientsAny and
     * appPasswordProtocolsAny are read with a plain getProperty. An apostrophe in these is written once; doubled, the user would see it twice.
     * Every other key is rendered by Keycloak through MessageFormat (msg() in the templates, form errors,
     * the e-mail subject), which removes lone apostrophes, so there it is written twice: {@code l''app}.
     */
    static final Set<String> NOT_MESSAGE_FORMAT = Set.of(
            "app-password-display-name", "app-password-help-text",
            "appPasswordLastUsed", "appPasswordExpires", "appPasswordClients", "appPasswordClientsAny",
            "appPasswordProtocols", "appPasswordProtocolsAny", "appPasswordNetworksInfo", "appPasswordNetworksAny",
            "appPasswordExpiredTitle", "appPasswordExpiredDescription");

    /**
     * Translations that are rightly spelled as in English, as {@code locale:key} with the reason. Each entry
     * must still be needed: one whose value has changed fails the test, so the list cannot grow stale.
     */
    static final Map<String, String> SAME_AS_ENGLISH = Map.of(
            "de:appPasswordName", "German for the label \"Name\" is \"Name\"",
            "fr:appPasswordProtocolGroup_contacts", "French for \"Contacts\" is \"Contacts\"");

    @Test
    void thereIsAFileForEveryLocaleOfKeycloaksLoginThemeAndNoOther() throws IOException {
        assertEquals(41, LOCALES.size());
        assertEquals(LOCALES.size(), new LinkedHashSet<>(LOCALES).size(), "a locale is listed twice");
        Set<String> present;
        try (Stream<Path> files = Files.list(DIR)) {
            present = files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".properties"))
                    .map(name -> {
                        Matcher m = FILE.matcher(name);
                        return m.matches() ? m.group(1) : "(not a messages file: " + name + ")";
                    })
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(LOCALES), present);
    }

    @Test
    void theKeysKeycloakRendersWithoutMessageFormatExistInEnglish() throws IOException {
        Set<String> english = new LinkedHashSet<>(load("en").keys);
        for (String key : NOT_MESSAGE_FORMAT) {
            assertTrue(english.contains(key), key + " is listed in NOT_MESSAGE_FORMAT but not in messages_en");
        }
    }

    /**
     * The logins refused for an ended app password, a network or a throttled source get Keycloak's
     * wrong-password answer, so only events name them; every other refusal is shown to someone.
     */
    @Test
    void everyRefusalButTheSilentLoginRefusalsHasAMessage() {
        Set<AppPasswordError> silent = Set.of(AppPasswordError.APP_PASSWORD_DELETED, AppPasswordError.APP_PASSWORD_EXPIRED,
                AppPasswordError.APP_PASSWORD_REVOKED, AppPasswordError.NETWORK_NOT_ALLOWED, AppPasswordError.SOURCE_THROTTLED);
        for (AppPasswordError error : AppPasswordError.values()) {
            assertEquals(silent.contains(error), error.messageKey() == null, error + ": " + error.messageKey());
        }
    }

    @Test
    void everyAllowListedSameAsEnglishValueIsStillTheSame() throws IOException {
        Messages english = load("en");
        for (String entry : SAME_AS_ENGLISH.keySet()) {
            String locale = entry.substring(0, entry.indexOf(':'));
            String key = entry.substring(entry.indexOf(':') + 1);
            Messages translated = load(locale);
            assertTrue(english.values.containsKey(key), entry + ": no such key in messages_en");
            assertEquals(english.values.getProperty(key), translated.values.getProperty(key),
                    entry + " is translated now: remove it from SAME_AS_ENGLISH");
        }
    }

    static List<String> locales() {
        return LOCALES;
    }

    @ParameterizedTest(name = "messages_{0}")
    @MethodSource("locales")
    void hasEveryEnglishKeyInOrderWithItsPlaceholdersAndRendersAsWritten(String locale) throws IOException {
        Messages english = load("en");
        Messages messages = load(locale);
        List<String> problems = new ArrayList<>(messages.problems);

        Set<String> missing = new LinkedHashSet<>(english.keys);
        missing.removeAll(messages.keys);
        Set<String> extra = new LinkedHashSet<>(messages.keys);
        extra.removeAll(english.keys);
        if (!missing.isEmpty()) {
            problems.add("missing keys " + missing);
        }
        if (!extra.isEmpty()) {
            problems.add("keys that messages_en does not have " + extra);
        }
        if (missing.isEmpty() && extra.isEmpty() && !messages.keys.equals(english.keys)) {
            problems.add("keys are not in the order of messages_en");
        }
        for (AppPasswordError error : AppPasswordError.values()) {
            if (error.messageKey() != null && !messages.values.containsKey(error.messageKey())) {
                problems.add("no text for the refusal " + error + " (" + error.messageKey() + ")");
            }
        }

        Locale javaLocale = Locale.forLanguageTag(locale.replace('_', '-'));
        for (String key : english.keys) {
            String value = messages.values.getProperty(key);
            if (value == null) {
                continue;
            }
            String englishValue = english.values.getProperty(key);
            if (value.isBlank()) {
                problems.add(key + ": empty");
                continue;
            }
            if (!value.equals(value.strip())) {
                problems.add(key + ": leading or trailing white space");
            }
            if (!placeholders(value).equals(placeholders(englishValue))) {
                problems.add(key + ": placeholders " + placeholders(value) + ", English has "
                        + placeholders(englishValue));
            }
            if (NOT_MESSAGE_FORMAT.contains(key)) {
                if (value.contains("''")) {
                    problems.add(key + ": shown without MessageFormat, so '' would show as two apostrophes");
                }
                if (value.contains("{{")) {
                    problems.add(key + ": {{ is interpolation in the account console");
                }
            } else {
                problems.addAll(renderingProblems(key, value, javaLocale, placeholders(englishValue)));
            }
            if (!locale.equals("en") && value.equals(englishValue)
                    && !SAME_AS_ENGLISH.containsKey(locale + ":" + key)) {
                problems.add(key + ": same as English (\"" + value + "\"); translate it, or allow-list it with a reason");
            }
        }
        assertTrue(problems.isEmpty(), "messages_" + locale + ".properties:\n  " + String.join("\n  ", problems));
    }

    /**
     * What goes wrong when Keycloak formats the value: a pattern MessageFormat rejects, a lone apostrophe
     * it drops (and with it quotes the text after it, placeholders included), a placeholder not filled.
     */
    private static List<String> renderingProblems(String key, String value, Locale locale, Set<Integer> indices) {
        List<String> problems = new ArrayList<>();
        MessageFormat format;
        try {
            format = new MessageFormat(value, locale);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": not a valid MessageFormat pattern: " + e.getMessage());
            return problems;
        }
        int highest = indices.stream().mapToInt(Integer::intValue).max().orElse(-1);
        Object[] arguments = new Object[highest + 1];
        for (int i = 0; i <= highest; i++) {
            arguments[i] = "<arg" + i + ">";
        }
        String rendered = format.format(arguments);
        for (int index : indices) {
            if (!rendered.contains("<arg" + index + ">")) {
                problems.add(key + ": placeholder {" + index + "} is not filled in (quoted by an apostrophe?)");
            }
        }
        long written = value.replace("''", "'").chars().filter(c -> c == '\'').count();
        long shown = rendered.chars().filter(c -> c == '\'').count();
        if (shown != written) {
            problems.add(key + ": MessageFormat shows " + shown + " apostrophe(s) of " + written
                    + "; write an apostrophe as '' in this key");
        }
        return problems;
    }

    private static Set<Integer> placeholders(String value) {
        Set<Integer> indices = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(value);
        while (m.find()) {
            indices.add(Integer.parseInt(m.group(1)));
        }
        return indices;
    }

    /** A messages file as Keycloak reads it (UTF-8), with its keys in file order and what is wrong with it. */
    private record Messages(List<String> keys, Properties values, List<String> problems) {
    }

    private static Messages load(String locale) throws IOException {
        Path file = DIR.resolve("messages_" + locale + ".properties");
        List<String> problems = new ArrayList<>();
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            problems.add("not UTF-8: " + e);
            text = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        if (text.startsWith("\uFEFF")) {
            problems.add("starts with a byte order mark");
        }
        List<String> keys = new ArrayList<>();
        Properties values = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                Object previous = super.put(key, value);
                if (previous != null) {
                    problems.add(key + ": defined twice");
                } else {
                    keys.add((String) key);
                }
                return previous;
            }
        };
        values.load(new StringReader(text));
        return new Messages(keys, values, problems);
    }
}
