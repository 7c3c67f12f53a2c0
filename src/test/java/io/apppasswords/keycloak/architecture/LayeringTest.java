package io.apppasswords.keycloak.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layering docs/ARCHITECTURE.md states: credential at the bottom, then policy, then lifecycle, then the
 * packages Keycloak calls into (action, authenticator, events, rest), each using only layers below its own.
 * No package cycle can exist under it. A new package must be given a layer here.
 */
class LayeringTest {

    static final List<Set<String>> LAYERS = List.of(
            Set.of("credential"),
            Set.of("policy"),
            Set.of("lifecycle"),
            Set.of("action", "authenticator", "events", "rest"));

    private static final Path MAIN = Path.of("src/main/java/io/apppasswords/keycloak");
    /** A reference to one of our packages: in an import, a fully qualified name or a Javadoc link alike. */
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.apppasswords\\.keycloak\\.(\\w+)\\.");

    @Test
    void everyPackageUsesOnlyLayersBelowItsOwn() throws IOException {
        Map<String, Set<String>> graph = importGraph();
        assertTrue(graph.keySet().containsAll(Set.of("credential", "policy", "lifecycle", "rest")), graph.toString());
        assertEquals(List.of(), violations(graph), "import graph: " + graph);
    }

    @Test
    void aCycleOrAnUpwardOrSidewaysImportIsReported() {
        assertEquals(List.of("credential -> policy", "rest -> events"), violations(Map.of(
                "credential", Set.of("policy"),
                "policy", Set.of("credential"),
                "rest", Set.of("events", "lifecycle"))));
        assertEquals(List.of("util: no layer"), violations(Map.of("util", Set.of())));
    }

    /** package -> the other packages of ours it references. */
    static Map<String, Set<String>> importGraph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file).getName(0).toString();
                Set<String> uses = graph.computeIfAbsent(pkg.endsWith(".java") ? "(root)" : pkg, p -> new TreeSet<>());
                Matcher reference = REFERENCE.matcher(Files.readString(file));
                while (reference.find()) {
                    if (!reference.group(1).equals(pkg)) {
                        uses.add(reference.group(1));
                    }
                }
            }
        }
        return graph;
    }

    static List<String> violations(Map<String, Set<String>> graph) {
        List<String> violations = new ArrayList<>();
        new TreeMap<>(graph).forEach((pkg, uses) -> {
            int layer = layer(pkg);
            if (layer < 0) {
                violations.add(pkg + ": no layer");
                return;
            }
            uses.stream().filter(used -> layer(used) < 0 || layer(used) >= layer).sorted()
                    .forEach(used -> violations.add(pkg + " -> " + used));
        });
        return violations;
    }

    private static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        return -1;
    }
}
