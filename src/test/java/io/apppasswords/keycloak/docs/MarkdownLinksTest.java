package io.apppasswords.keycloak.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Every relative link and {@code #anchor} in every Markdown file of the project leads somewhere, as on GitHub. */
class MarkdownLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<Markdown> files = Markdown.all(ROOT);
        assertTrue(files.size() >= 10, "found the docs: " + files.size());
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Markdown md : files) {
            for (String link : md.links()) {
                if (link.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto: ...: not ours to check offline
                }
                checked++;
                String problem = problem(md, link);
                if (problem != null) {
                    broken.add(ROOT.relativize(md.file) + ": (" + link + ") " + problem);
                }
            }
        }
        assertTrue(checked > 50, "checked the links: " + checked);
        assertEquals(List.of(), broken);
    }

    private static String problem(Markdown md, String link) {
        int hash = link.indexOf('#');
        String path = URLDecoder.decode(hash < 0 ? link : link.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : link.substring(hash + 1);
        Path target = path.isEmpty() ? md.file : md.file.getParent().resolve(path).normalize();
        if (!target.startsWith(ROOT)) {
            return "leaves the repository";
        }
        if (!Files.exists(target)) {
            return "no such file";
        }
        if (anchor == null) {
            return null;
        }
        if (!target.toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        return Markdown.of(target).anchors().contains(anchor) ? null : "no heading with that anchor in " + ROOT.relativize(target);
    }

    @Test
    void anchorsFollowGitHubsRules() {
        assertEquals("1-keycloak-the-mail-servers-client", Markdown.slug("1. Keycloak: the mail server's client"));
        assertEquals("self-service-rest-api-realmsrealmapp-passwords",
                Markdown.slug("Self-service REST API: `/realms/{realm}/app-passwords`"));
        assertEquals("lmtp-user-doesnt-exist", Markdown.slug("LMTP \"user doesn't exist\""));
        assertEquals("e-mail-on-every-new-app-password", Markdown.slug("E-mail on every *new* app password"));
        assertEquals("try-it-two-commands", Markdown.slug("Try it: two commands"));
        assertEquals("see-docs", Markdown.slug("See [docs](docs/README.md)"));
        assertEquals("app_password_username-mapper", Markdown.slug("`app_password_username` mapper"));
    }

    @Test
    void linksInCodeAreNotLinks() throws IOException {
        Path file = Files.createTempFile("links", ".md");
        try {
            Files.writeString(file, """
                    # Title
                    [a](a.md) and `[b](b.md)` and ![c](c.png)
                    ```
                    [d](d.md)
                    ```
                    [e]: e.md
                    ## Title
                    """);
            Markdown md = Markdown.of(file);
            assertEquals(List.of("a.md", "c.png", "e.md"), md.links());
            assertEquals(List.of("title", "title-1"), List.copyOf(md.anchors()));
        } finally {
            Files.delete(file);
        }
    }
}
