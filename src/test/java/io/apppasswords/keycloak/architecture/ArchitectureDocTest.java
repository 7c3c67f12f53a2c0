package io.apppasswords.keycloak.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/ARCHITECTURE.md stays true to the code: every class it names in code spans ({@code pkg/Class},
 * {@code Class}, {@code pkg/Class.member}, {@code Class.member}) exists under src/main (a test class where the
 * name ends in Test or IT), and every member is declared in it: a method (lower case) with a declaration, a field,
 * nested type or constant (upper case) as a word of its source. Code blocks are examples and are skipped.
 */
class ArchitectureDocTest {

    private static final Path DOC = Path.of("docs/ARCHITECTURE.md");
    private static final Path MAIN = Path.of("src/main/java/io/apppasswords/keycloak");
    private static final Path TEST = Path.of("src/test/java/io/apppasswords/keycloak");
    private static final Pattern SPAN = Pattern.compile("`([^`\\n]+)`");
    /** {@code pkg/Class}, {@code Class}, each optionally {@code .member} and {@code (…)}. */
    private static final Set<String> NOT_A_TYPE = Set.of("return", "new", "throw", "else", "case",
            "yield", "assert");
    private static final Pattern NAME = Pattern.compile("(?:([a-z]+)/)?([A-Z][a-z]\\w*)(?:\\.(\\w+))?(?:\\(.*\\))?");

    @Test
    void everyClassAndMemberTheDocNamesExists() throws IOException {
        assertEquals(List.of(), missing(Files.readString(DOC)));
    }

    @Test
    void aMisspelledOrVanishedNameIsReported() {
        assertEquals(List.of("lifecycle/AppPasswords.creat", "policy/Nope", "Settingz.all", "EndedAppPasswords.vanished",
                        "credential/AppPasswords"),
                missing("`lifecycle/AppPasswords.creat` then `policy/Nope`, `Settingz.all()`, "
                        + "`EndedAppPasswords.vanished` and `credential/AppPasswords`; fine: `policy/Settings.all()`, "
                        + "`AppPasswords.Request`, `REMOVE_CREDENTIAL`, `kc_action`\n```java\n`Skipped.inCode`\n```\n"));
    }

    /** The names of {@code markdown}'s code spans that do not resolve, in order. */
    static List<String> missing(String markdown) {
        List<String> missing = new ArrayList<>();
        Matcher span = SPAN.matcher(markdown.replaceAll("(?s)```.*?```", ""));
        while (span.find()) {
            Matcher name = NAME.matcher(span.group(1).strip());
            if (name.matches() && !resolves(name.group(1), name.group(2), name.group(3))) {
                missing.add(span.group(1).strip().replaceAll("\\(.*\\)$", ""));
            }
        }
        return missing;
    }

    private static boolean resolves(String pkg, String type, String member) {
        Optional<String> source = source(pkg, type);
        if (source.isEmpty()) {
            return false;
        }
        if (member == null) {
            return true;
        }
        String text = source.get();
        if (Character.isUpperCase(member.charAt(0))) {
            return Pattern.compile("\\b" + member + "\\b").matcher(text).find();
        }
        // a declaration: a type right before the name and its parameter list (not "return name(" and the like)
        Matcher declaration = Pattern.compile("(\\w+|[>\\]])\\s+" + member + "\\s*\\(").matcher(text);
        while (declaration.find()) {
            if (!NOT_A_TYPE.contains(declaration.group(1))) {
                return true;
            }
        }
        return false;
    }

    /** The source of our class {@code type} (in {@code pkg} if given). */
    private static Optional<String> source(String pkg, String type) {
        Map<String, Path> found = new TreeMap<>();
        for (Path root : type.endsWith("Test") || type.endsWith("IT") ? List.of(MAIN, TEST) : List.of(MAIN)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.getFileName().toString().equals(type + ".java"))
                        .filter(f -> pkg == null || root.relativize(f).getName(0).toString().equals(pkg))
                        .forEach(f -> found.put(f.toString(), f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found.values().stream().findFirst().map(f -> {
            try {
                return Files.readString(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
