package io.apppasswords.keycloak.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import io.apppasswords.keycloak.it.AppPasswordApi;
import io.apppasswords.keycloak.it.HttpReply;
import io.apppasswords.keycloak.it.Inbox;
import io.apppasswords.keycloak.it.Local;
import io.apppasswords.keycloak.it.TokenClient;
import io.apppasswords.keycloak.it.Totp;

/**
 * docker/compose.yaml as an admin starts it ({@code docker compose up --build}): alice creates an app password
 * through the REST API, signs in to Dovecot over IMAP with it, sends herself a message through Postfix and
 * finds it in her inbox; her main password is refused. Runs only where a Docker engine (with the compose
 * plugin) is reachable; MailServerIT covers the same configs with Debian's packages everywhere else.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerComposeSmokeIT {

    private static final Duration STARTUP = Duration.ofMinutes(20);

    @Container
    private static final ComposeContainer COMPOSE = new ComposeContainer(new File("docker/compose.yaml"))
            .withBuild(true)
            .withRemoveVolumes(true)
            // the compose file publishes on 127.0.0.1; free ports keep it clear of anything running there
            .withEnv("KEYCLOAK_HOST_PORT", String.valueOf(Local.freePort()))
            .withEnv("IMAP_HOST_PORT", String.valueOf(Local.freePort()))
            .withEnv("SUBMISSION_HOST_PORT", String.valueOf(Local.freePort()))
            .withExposedService("keycloak", 8080, Wait.forHttp("/realms/demo").forStatusCode(200).withStartupTimeout(STARTUP))
            .withExposedService("dovecot", 143, Wait.forListeningPort().withStartupTimeout(STARTUP))
            .withExposedService("postfix", 587, Wait.forListeningPort().withStartupTimeout(STARTUP));

    @Test
    void aliceUsesAnAppPasswordForImapAndSmtp() throws Exception {
        String keycloak = "http://" + COMPOSE.getServiceHost("keycloak", 8080) + ":" + COMPOSE.getServicePort("keycloak", 8080);
        HttpReply account = new TokenClient(keycloak, "demo")
                .passwordGrant("demo-cli", null, "alice", "alice-password", Totp.ALICE.fresh());
        assertTrue(account.ok(), account.toString());

        HttpReply created = AppPasswordApi.send("POST", keycloak + "/realms/demo/app-passwords", account.accessToken(),
                "application/json", "{\"name\":\"smoke " + UUID.randomUUID() + "\"}");
        assertEquals(201, created.status(), created.toString());
        String appPassword = created.json().path("password").asText();

        try (Store store = imap().connect("alice", appPassword)) {
            store.getFolder("INBOX").open(Folder.READ_WRITE);
        }
        assertThrows(AuthenticationFailedException.class, () -> imap().connect("alice", "alice-password"));

        String subject = "compose smoke " + UUID.randomUUID();
        MimeMessage message = new MimeMessage(smtp());
        message.setFrom(new InternetAddress("alice@example.com"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.com"));
        message.setSubject(subject);
        message.setText("Sent through the compose setup with an app password.");
        Transport.send(message, "alice", appPassword);

        long deadline = System.currentTimeMillis() + 60_000;
        while (!arrived(appPassword, subject)) {
            assertTrue(System.currentTimeMillis() < deadline, "the message did not arrive within 60 s");
            Thread.sleep(1000);
        }
    }

    private static boolean arrived(String appPassword, String subject) throws MessagingException {
        try (Store store = imap().connect("alice", appPassword)) {
            return Inbox.holds(store, subject);
        }
    }

    private static Imap imap() {
        return new Imap(Session.getInstance(startTls("imap", "dovecot", 143)));
    }

    private static Session smtp() {
        Properties props = startTls("smtp", "postfix", 587);
        props.put("mail.smtp.auth", "true");
        return Session.getInstance(props);
    }

    /** STARTTLS required; the demo's self-signed certificate is trusted for this test only. */
    private static Properties startTls(String protocol, String service, int port) {
        String prefix = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put(prefix + "host", COMPOSE.getServiceHost(service, port));
        props.put(prefix + "port", String.valueOf(COMPOSE.getServicePort(service, port)));
        props.put(prefix + "starttls.enable", "true");
        props.put(prefix + "starttls.required", "true");
        props.put(prefix + "ssl.trust", "*");
        props.put(prefix + "ssl.checkserveridentity", "false");
        props.put(prefix + "connectiontimeout", "10000");
        props.put(prefix + "timeout", "30000");
        return props;
    }

    private record Imap(Session session) {
        Store connect(String user, String password) throws MessagingException {
            Store store = session.getStore("imap");
            store.connect(user, password);
            return store;
        }
    }
}
