package io.apppasswords.keycloak.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's Markdown files as GitHub renders them, as far as links go: the links of each file (outside code)
 * and the anchors of its headings by GitHub's rules.
 */
final class Markdown {

    /** Directories that hold no project docs: build output, tool state. */
    private static final Set<String> SKIPPED = Set.of("target", ".git", ".mvn", "node_modules");
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_LINK = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");

    final Path file;
    /** Lines outside fenced code blocks, with inline code spans removed where links are read. */
    private final List<String> prose = new ArrayList<>();

    private Markdown(Path file) {
        this.file = file;
        boolean fenced = false;
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                    fenced = !fenced;
                    continue;
                }
                if (!fenced) {
                    prose.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every Markdown file of the project under {@code root}. */
    static List<Markdown> all(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> root.relativize(p).toString().isEmpty()
                            || !SKIPPED.contains(root.relativize(p).getName(0).toString()))
                    .filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
                    .sorted().map(Markdown::new).toList();
        }
    }

    static Markdown of(Path file) {
        return new Markdown(file);
    }

    /** Link targets as written (inline and reference-style, images included), outside code. */
    List<String> links() {
        List<String> links = new ArrayList<>();
        for (String line : prose) {
            String text = line.replaceAll("`[^`]*`", "");
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                links.add(inline.group(1));
            }
            Matcher reference = REFERENCE_LINK.matcher(text);
            if (reference.matches()) {
                links.add(reference.group(1));
            }
        }
        return links;
    }

    /** The anchors GitHub gives this file's headings (repeated ones get -1, -2, ...) and its HTML anchors. */
    Set<String> anchors() {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    /** Rows of the tables whose first header cell is {@code header}: each row's cells, trimmed. */
    List<List<String>> tableRows(String header) {
        List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : prose) {
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            List<String> cells = cells(line);
            if (!inTable && cells.get(0).equalsIgnoreCase(header)) {
                inTable = true;
            } else if (inTable && !cells.get(0).matches("-+")) {
                rows.add(cells);
            }
        }
        return rows;
    }

    /** The file's text outside fenced code blocks. */
    String prose() {
        return String.join("\n", prose);
    }

    private static List<String> cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    /**
     * GitHub's heading anchor: the rendered text (markup and link targets dropped) in lower case, without
     * punctuation but hyphens and underscores, spaces as hyphens.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "")
                .replaceAll("(\\*{1,3})(\\S(?:.*?\\S)?)\\1", "$2");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{Mn} _-]", "").replace(' ', '-');
    }
}
