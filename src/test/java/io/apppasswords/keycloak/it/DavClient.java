package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real CalDAV/CardDAV client: Debian's {@code vdirsyncer}, which discovers the user's collections the way
 * phones do ({@code /.well-known/caldav}, the principal, the home set), creates a collection, uploads and
 * downloads items. Each call syncs a fresh local directory with the server at {@code url} as
 * {@code username}/{@code password}.
 */
public final class DavClient {

    public enum Kind {
        CALENDARS("caldav", ".ics"), CONTACTS("carddav", ".vcf");

        final String storage;
        final String extension;

        Kind(String storage, String extension) {
            this.storage = storage;
            this.extension = extension;
        }
    }

    /** What vdirsyncer did: its exit code and output, and after {@link #read} the items it downloaded. */
    public record Result(int exitCode, String output, Map<String, String> items) {

        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final String url;
    private final Kind kind;
    private final String username;
    private final String password;

    public DavClient(String url, Kind kind, String username, String password) {
        this.url = url;
        this.kind = kind;
        this.username = username;
        this.password = password;
    }

    /** An event the server stores as is. */
    public static String event(String uid, String summary) {
        return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//app-passwords tests//EN\r\nBEGIN:VEVENT\r\nUID:" + uid
                + "\r\nDTSTAMP:20261202T120000Z\r\nDTSTART:20261203T100000Z\r\nDTEND:20261203T110000Z\r\nSUMMARY:"
                + summary + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    }

    /** A contact the server stores as is. */
    public static String contact(String uid, String name) {
        return "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\nFN:" + name + "\r\nN:" + name + ";;;;\r\nEND:VCARD\r\n";
    }

    /** Creates {@code collection} on the server if it is missing and uploads {@code item} into it. */
    public Result upload(String collection, String uid, String item) {
        return inFreshDir(local -> {
            Files.createDirectories(local.resolve(collection));
            Files.writeString(local.resolve(collection).resolve(uid + kind.extension), item);
            return discoverAndSync(local, "from a");
        });
    }

    /** Downloads every collection of the user and its items ({@code collection/file name} → content). */
    public Result read() {
        return inFreshDir(local -> {
            Result synced = discoverAndSync(local, "from b");
            Map<String, String> items = new TreeMap<>();
            try (Stream<Path> files = Files.walk(local)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    items.put(local.relativize(file).toString(), Files.readString(file));
                }
            }
            return new Result(synced.exitCode(), synced.output(), items);
        });
    }

    private interface Work {
        Result run(Path local) throws IOException;
    }

    private Result inFreshDir(Work work) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("app-passwords-vdirsyncer-");
            return work.run(Files.createDirectories(dir.resolve("local")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                if (dir != null) {
                    Local.deleteTree(dir);
                }
            } catch (IOException ignored) {
                // a temp directory left behind is no failure
            }
        }
    }

    /** {@code collections}: "from a" uploads what is local, "from b" downloads what is on the server. */
    private String config(Path dir, Path local, String collections) {
        return String.join("\n",
                "[general]",
                "status_path = \"" + dir.resolve("status") + "/\"",
                "[pair p]",
                "a = \"local\"",
                "b = \"remote\"",
                "collections = [\"" + collections + "\"]",
                "[storage local]",
                "type = \"filesystem\"",
                "path = \"" + local + "/\"",
                "fileext = \"" + kind.extension + "\"",
                "[storage remote]",
                "type = \"" + kind.storage + "\"",
                "url = \"" + url + "\"",
                "username = \"" + toml(username) + "\"",
                "password = \"" + toml(password) + "\"",
                "");
    }

    private static String toml(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private Result discoverAndSync(Path local, String collections) throws IOException {
        Path config = local.resolveSibling("config");
        Files.writeString(config, config(local.getParent(), local, collections));
        // discover asks before it creates a collection on the server: yes
        Result discovered = vdirsyncer(config, List.of("discover", "p"), "y\n");
        if (!discovered.ok()) {
            return discovered;
        }
        Result synced = vdirsyncer(config, List.of("sync"), "");
        return new Result(synced.exitCode(), discovered.output() + synced.output(), Map.of());
    }

    private static Result vdirsyncer(Path config, List<String> arguments, String stdin) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/vdirsyncer", "-c", config.toString()));
        command.addAll(arguments);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("vdirsyncer " + arguments + " hung: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Result(p.exitValue(), out, Map.of());
    }
}
