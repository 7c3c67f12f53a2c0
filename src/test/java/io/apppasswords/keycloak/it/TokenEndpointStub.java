package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A token endpoint that answers what a test tells it to (HTML, a redirect, garbage, a 500, a hang) and
 * records what it was sent, on 127.0.0.1 and a free port, over HTTP or HTTPS with its own self-signed
 * certificate. Stands in for a Keycloak that misbehaves, without touching the shared one.
 */
public final class TokenEndpointStub implements AutoCloseable {

    /** What the stub answers: status, Content-Type, body, extra header, and a delay before answering. */
    public record Answer(int status, String contentType, String body, String header, long delayMillis) {
        public static Answer json(int status, String body) {
            return new Answer(status, "application/json", body, null, 0);
        }
    }

    /** One request as received. */
    public record Request(Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final Path certificate;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Answer answer = Answer.json(200, "{\"app_password_username\":\"stub-user\"}");

    /** {@code tlsDir} null: plain HTTP; else HTTPS with a certificate made there (see {@link #certificate()}). */
    public TokenEndpointStub(Path tlsDir) {
        try {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
            if (tlsDir == null) {
                server = HttpServer.create(address, 0);
                certificate = null;
            } else {
                certificate = tlsDir.resolve("stub-cert.pem");
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls(tlsDir)));
                server = https;
            }
            server.createContext("/", this::handle);
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return (certificate == null ? "http" : "https") + "://127.0.0.1:" + server.getAddress().getPort()
                + "/realms/demo/protocol/openid-connect/token";
    }

    public Path certificate() {
        return certificate;
    }

    public void answer(Answer next) {
        answer = next;
    }

    public List<Request> requests() {
        return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            requests.add(new Request(Map.copyOf(exchange.getRequestHeaders()), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            Answer a = answer;
            if (a.delayMillis() > 0) {
                TimeUnit.MILLISECONDS.sleep(a.delayMillis());
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", a.contentType());
            if (a.header() != null) {
                String[] nameValue = a.header().split(": ", 2);
                exchange.getResponseHeaders().set(nameValue[0], nameValue[1]);
            }
            exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SSLContext tls(Path dir) throws IOException {
        Path key = dir.resolve("stub-key.pem");
        Path p12 = dir.resolve("stub.p12");
        Local.selfSignedCertificate(key, dir.resolve("stub-cert.pem"));
        Commands.check(List.of("openssl", "pkcs12", "-export", "-in", dir.resolve("stub-cert.pem").toString(),
                "-inkey", key.toString(), "-out", p12.toString(), "-passout", "pass:stub"));
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "stub".toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "stub".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("stub TLS", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
