package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Debian's nginx with {@code auth_request} against the extension's forward-auth endpoint, in front of three
 * Radicales ({@code http_x_remote_user}) and a WebDAV share nginx serves itself: the configuration of
 * {@code docker/http/}, which docs/HTTP-SERVICES.md shows verbatim. Started once per test JVM on loopback
 * and free ports, under the {@link Watchdog}; a shutdown hook stops them and deletes the files.
 *
 * <p>Two servers: {@link #oneRadicaleUrl()}, one Radicale for calendars and contacts (service {@code caldav},
 * {@code nginx-radicale.conf}); {@link #separateUrl()}, {@code /calendars/} and {@code /contacts/} a Radicale
 * each (services {@code caldav}, {@code carddav}) and {@code /files/} the share ({@code webdav}),
 * {@code nginx-separate.conf}. And {@link #caddyUrl()}: Debian's Caddy with {@code Caddyfile} ({@code forward_auth})
 * in front of the first server's Radicale.
 */
public final class DavServers {

    /** The templates shared with the docs. */
    public static final Path TEMPLATES = Path.of("docker", "http");
    public static final Path ONE_RADICALE_TEMPLATE = TEMPLATES.resolve("nginx-radicale.conf");
    public static final Path SEPARATE_TEMPLATE = TEMPLATES.resolve("nginx-separate.conf");
    public static final Path RADICALE_TEMPLATE = TEMPLATES.resolve("radicale.conf");
    public static final Path CADDY_TEMPLATE = TEMPLATES.resolve("Caddyfile");
    private static final Path CADDY = Path.of("/usr/bin/caddy");
    private static final Path DAV_EXT_MODULE = Path.of("/usr/lib/nginx/modules/ngx_http_dav_ext_module.so");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static DavServers instance;

    private final Path dir;
    private final int onePort;
    private final int separatePort;
    private final int caddyPort;
    private final List<Process> processes = new ArrayList<>();

    private DavServers(Path dir) {
        this.dir = dir;
        this.onePort = Local.freePort();
        this.separatePort = Local.freePort();
        this.caddyPort = Local.freePort();
    }

    /** The shared servers in front of {@link KeycloakServer}, started on first use. */
    public static synchronized DavServers get() {
        if (instance == null) {
            instance = start(KeycloakServer.get().baseUrl(), DemoRealm.PROXY_SECRET);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "dav-servers-stop"));
        }
        return instance;
    }

    /**
     * A second, throw-away nginx (and Radicales) whose proxy sends {@code proxySecret}: for a proxy
     * configured wrongly. The caller stops it.
     */
    public static DavServers withProxySecret(String proxySecret) {
        return start(KeycloakServer.get().baseUrl(), proxySecret);
    }

    /** The server of {@code nginx-radicale.conf}: {@code http://127.0.0.1:port/} */
    public String oneRadicaleUrl() {
        return "http://127.0.0.1:" + onePort + "/";
    }

    /** The server of {@code nginx-separate.conf}: {@code http://127.0.0.1:port/} */
    public String separateUrl() {
        return "http://127.0.0.1:" + separatePort + "/";
    }

    /** Caddy with {@code Caddyfile} in front of the same Radicale as {@link #oneRadicaleUrl()}: {@code http://127.0.0.1:port/} */
    public String caddyUrl() {
        return "http://127.0.0.1:" + caddyPort + "/";
    }

    /** What a template's placeholders become for the tests (the docs put the admin's own values there). */
    static Map<String, String> values(String listen, String keycloakUrl, String proxySecret, Map<String, Integer> radicales,
                                      Path webdavRoot) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("LISTEN", listen);
        values.put("SERVER_NAME", "localhost");
        values.put("SITE", "http://" + listen);
        values.put("TLS", "# the tests speak plain HTTP on loopback");
        values.put("KEYCLOAK_URL", keycloakUrl);
        values.put("REALM", DemoRealm.NAME);
        values.put("PROXY_CLIENT_ID", DemoRealm.PROXY);
        values.put("PROXY_CLIENT_SECRET", proxySecret);
        radicales.forEach((name, radicalePort) -> values.put(name, "127.0.0.1:" + radicalePort));
        values.put("WEBDAV_ROOT", webdavRoot.toString());
        return values;
    }

    private static DavServers start(String keycloakUrl, String proxySecret) {
        for (Path binary : List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/radicale"), DAV_EXT_MODULE, CADDY)) {
            if (!Files.exists(binary)) {
                throw new IllegalStateException(binary + " is missing (apt-get install nginx radicale "
                        + "libnginx-mod-http-dav-ext caddy; .ci/run does)");
            }
        }
        DavServers servers;
        try {
            servers = new DavServers(Files.createTempDirectory("app-passwords-dav-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            servers.startAll(keycloakUrl, proxySecret);
        } catch (IOException e) {
            servers.stop();
            throw new UncheckedIOException("starting nginx and Radicale", e);
        } catch (RuntimeException | Error e) {
            servers.stop();
            throw e;
        }
        return servers;
    }

    private void startAll(String keycloakUrl, String proxySecret) throws IOException {
        Map<String, Integer> radicales = new LinkedHashMap<>();
        for (String name : List.of("RADICALE", "CALENDAR_SERVER", "CONTACTS_SERVER")) {
            int radicalePort = Local.freePort();
            Path storage = Files.createDirectories(dir.resolve("radicale-" + name.toLowerCase() + "/storage"));
            Path conf = storage.getParent().resolve("radicale.conf");
            Files.writeString(conf, MailServers.render(Files.readString(RADICALE_TEMPLATE), Map.of(
                    "RADICALE_LISTEN", "127.0.0.1:" + radicalePort, "RADICALE_STORAGE", storage.toString()), RADICALE_TEMPLATE));
            launch(name.toLowerCase(), List.of("/usr/bin/radicale", "-C", conf.toString()), radicalePort);
            radicales.put(name, radicalePort);
        }
        Path webdav = Files.createDirectories(dir.resolve("webdav"));
        StringBuilder sites = new StringBuilder();
        for (var site : Map.of(ONE_RADICALE_TEMPLATE, onePort, SEPARATE_TEMPLATE, separatePort).entrySet()) {
            sites.append(MailServers.render(Files.readString(site.getKey()),
                    values("127.0.0.1:" + site.getValue(), keycloakUrl, proxySecret, radicales, webdav), site.getKey()));
        }
        Files.writeString(dir.resolve("sites.conf"), sites);
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                "load_module " + DAV_EXT_MODULE + ";",
                // as root nginx's workers would run as nobody, who may not write the share in a temp dir
                "user " + System.getProperty("user.name") + ";",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("nginx-error.log") + " info;",
                "events { worker_connections 1024; }",
                "http {",
                "    access_log " + dir.resolve("nginx-access.log") + ";",
                "    client_body_temp_path " + dir.resolve("tmp-body") + ";",
                "    proxy_temp_path " + dir.resolve("tmp-proxy") + ";",
                "    fastcgi_temp_path " + dir.resolve("tmp-fastcgi") + ";",
                "    uwsgi_temp_path " + dir.resolve("tmp-uwsgi") + ";",
                "    scgi_temp_path " + dir.resolve("tmp-scgi") + ";",
                "    include " + dir.resolve("sites.conf") + ";",
                "}", ""));
        launch("nginx", List.of("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-g", "daemon off;"), onePort);
        Local.awaitPort(processes.get(processes.size() - 1), separatePort, START_TIMEOUT, this::errorLog);

        // the admin endpoint off (it would take a fixed port) and Caddy's state in the temp dir, not root's home
        Path caddyHome = Files.createDirectories(dir.resolve("caddy"));
        Files.writeString(dir.resolve("Caddyfile"), "{\n\tadmin off\n}\n\n" + MailServers.render(
                Files.readString(CADDY_TEMPLATE), values("127.0.0.1:" + caddyPort, keycloakUrl, proxySecret, radicales, webdav),
                CADDY_TEMPLATE));
        launch("caddy", List.of(CADDY.toString(), "run", "--adapter", "caddyfile", "--config", dir.resolve("Caddyfile").toString()),
                caddyPort, Map.of("HOME", caddyHome.toString(), "XDG_DATA_HOME", caddyHome.toString(),
                        "XDG_CONFIG_HOME", caddyHome.toString()));
    }

    private void launch(String name, List<String> command, int listenPort) throws IOException {
        launch(name, command, listenPort, Map.of());
    }

    private void launch(String name, List<String> command, int listenPort, Map<String, String> env) throws IOException {
        Path log = dir.resolve(name + ".out");
        ProcessBuilder builder = new ProcessBuilder(Watchdog.around(name, "kill $child", command));
        builder.environment().putAll(env);
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        Local.awaitPort(process, listenPort, START_TIMEOUT, () -> name + ": " + Local.tail(log, 30)
                + "\n" + Local.tail(dir.resolve("nginx-error.log"), 30));
    }

    /** nginx's error log, for failure messages. */
    public String errorLog() {
        return Local.tail(dir.resolve("nginx-error.log"), 40);
    }

    public synchronized void stop() {
        processes.forEach(p -> Watchdog.stop(p, 10));
        processes.clear();
        try {
            Local.deleteTree(dir);
        } catch (IOException ignored) {
            // a temp directory left behind is no failure
        }
    }
}
