package io.apppasswords.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The reason the product exists: a mail app that cannot do 2FA signs in to a real Dovecot (IMAP) and a real
 * Postfix (SMTP AUTH through Dovecot SASL) with an app password, checked by Keycloak over a password grant.
 * The servers run the configs of {@code docker/mail/} (see {@link MailServers}) against the shared test
 * Keycloak's {@code mail-server} client; the mail app is Angus Mail, the Jakarta Mail implementation.
 */
class MailServerIT {

    private static final String CLIENT = "mail-server";
    private static final String CLIENT_SECRET = "mail-server-secret";

    private static MailServers servers;

    @BeforeAll
    static void start() {
        assumeTrue(MailServers.dovecotBinary().isPresent(),
                "Dovecot is not installed (Debian: dovecot-imapd dovecot-lmtpd; .ci/run installs them): mail server tests skipped");
        KeycloakServer keycloak = KeycloakServer.get();
        servers = new MailServers(keycloak.tokenEndpoint(), CLIENT, CLIENT_SECRET);
        servers.startDovecot();
        if (MailServers.postfixBinary().isPresent()) {
            servers.startPostfix();
        }
    }

    @AfterAll
    static void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    /** A user with password + OTP, as the issue asks, and one app password for the mail app. */
    private record MailUser(String name, Totp totp, String appPassword) {
        static MailUser create(String prefix) {
            Totp totp = Users.newTotp();
            String name = Users.create(prefix, totp);
            return new MailUser(name, totp, Users.createAppPassword(name, "Mail app", totp));
        }

        String address() {
            return name + "@" + MailServers.DOMAIN;
        }
    }

    // ------------------------------------------------------------------------------------------ IMAP

    /** Item 1: IMAP LOGIN and AUTHENTICATE PLAIN with the app password, then SELECT INBOX. */
    @Test
    void imapLoginAndAuthenticatePlainAcceptTheAppPassword() throws Exception {
        MailUser user = MailUser.create("imap");

        Imap login = Imap.loginCommand();
        try (Store store = login.connect(user.name(), user.appPassword())) {
            assertSelectsInbox(store);
        }
        // Angus Mail names the command it authenticated with (and hides its arguments)
        assertTrue(login.trace().contains("LOGIN command trace suppressed"), "the IMAP LOGIN command was used");
        assertFalse(login.trace().contains("AUTHENTICATE"), "no SASL for the LOGIN test");

        Imap plain = Imap.authenticatePlain();
        try (Store store = plain.connect(user.name(), user.appPassword())) {
            assertSelectsInbox(store);
        }
        assertTrue(plain.trace().contains("AUTHENTICATE PLAIN command trace suppressed"), "AUTHENTICATE PLAIN was used");
        AppPasswordAssertions.assertNoSecret(login.trace() + plain.trace(), user.appPassword());

        // as typed into a phone: upper case and with the dashes left out
        try (Store store = Imap.authenticatePlain().connect(user.name().toUpperCase(Locale.ROOT),
                user.appPassword().replace("-", "").toUpperCase(Locale.ROOT))) {
            assertSelectsInbox(store);
        }
        assertTrue(servers.dovecotLog().contains("user=<" + user.name() + ">"), "Dovecot logged the login");
    }

    /** Dovecot forwards the mail app's address (send_auth_headers); the demo realm trusts mail-server for it. */
    @Test
    void lastUseRecordsTheMailAppsAddressNotDovecots() throws Exception {
        MailUser user = MailUser.create("fromip");
        Imap imap = Imap.loginCommand();
        imap.props.put("mail.imap.localaddress", "127.0.0.2"); // Dovecot itself calls Keycloak from 127.0.0.1
        try (Store store = imap.connect(user.name(), user.appPassword())) {
            assertSelectsInbox(store);
        }
        JsonNode lastUse = Json.read(Users.appPasswords(user.name()).get(0).getCredentialData());
        assertEquals("127.0.0.2", lastUse.path("lastUsedIp").asText(), lastUse.toString());
        assertEquals(DemoRealm.MAIL, lastUse.path("lastUsedClient").asText());
    }

    /** Item 2: the main password (with or without the OTP code glued on) and unknown users get one answer. */
    @Test
    void imapRefusesTheMainPasswordAndUnknownUsersAlike() {
        MailUser user = MailUser.create("imap-main");

        String mainPassword = refusal(() -> Imap.loginCommand().connect(user.name(), Users.PASSWORD));
        String mainPlusOtp = refusal(() -> Imap.authenticatePlain().connect(user.name(), Users.PASSWORD + user.totp().fresh()));
        String unknown = refusal(() -> Imap.loginCommand().connect("nobody-" + UUID.randomUUID(), user.appPassword()));
        String wrongAppPassword = refusal(() -> Imap.loginCommand().connect(user.name(), AppPasswordAssertions.mutate(user.appPassword())));

        assertTrue(mainPassword.contains("AUTHENTICATIONFAILED"), mainPassword);
        assertEquals(mainPassword, unknown, "an unknown user is refused exactly like a wrong password");
        assertEquals(mainPassword, wrongAppPassword);
        assertEquals(mainPassword, mainPlusOtp);
    }

    /** Mail apps open several connections at once; every one of them must get in. */
    @Test
    void concurrentImapLoginsOfOneUserAllSucceed() throws Exception {
        MailUser user = MailUser.create("imap-parallel");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> logins = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<Boolean> login = () -> {
                    try (Store store = Imap.authenticatePlain().connect(user.name(), user.appPassword())) {
                        return store.isConnected();
                    }
                };
                logins.add(pool.submit(login));
            }
            for (Future<Boolean> f : logins) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Item 4: with Dovecot's auth cache off, revocation refuses the very next login. */
    @Test
    void aRevokedAppPasswordIsRefusedAtTheNextLogin() throws Exception {
        MailUser user = MailUser.create("imap-revoke");
        try (Store store = Imap.authenticatePlain().connect(user.name(), user.appPassword())) {
            assertSelectsInbox(store);
        }
        CredentialRepresentation credential = Users.appPasswords(user.name()).get(0);
        Users.get(user.name()).removeCredential(credential.getId());

        String refused = refusal(() -> Imap.authenticatePlain().connect(user.name(), user.appPassword()));
        assertTrue(refused.contains("AUTHENTICATIONFAILED"), refused);
    }

    /** Item 5: an app password limited to another client is refused by the mail server's client. */
    @Test
    void anAppPasswordRestrictedToAnotherClientIsRefused() throws Exception {
        Totp totp = Users.newTotp();
        String username = Users.create("imap-restricted", totp);
        HttpReply created = AppPasswordApi.createJson(Users.accountToken(username, Users.PASSWORD, totp),
                Json.write(Map.of("name", "Calendar only", "clients", List.of("mail-mixed"))));
        assertEquals(201, created.status(), created.toString());
        String secret = created.json().path("password").asText();

        String refused = refusal(() -> Imap.authenticatePlain().connect(username, secret));
        assertTrue(refused.contains("AUTHENTICATIONFAILED"), refused);
        assertTrue(TokenClient.demo().passwordGrant("mail-mixed", "mail-mixed-secret", username, secret).ok(),
                "the same app password works on the client it is restricted to");
    }

    // ------------------------------------------------------------------------------------------ SMTP

    /** Item 3: SMTP AUTH (Postfix asking Dovecot) with the app password; the message reaches the mailbox. */
    @Test
    void smtpAuthWithTheAppPasswordSendsAMessageThatArrivesOverImap() throws Exception {
        assumeTrue(MailServers.postfixBinary().isPresent(), "Postfix is not installed (.ci/run installs it)");
        MailUser user = MailUser.create("smtp");
        String subject = "app password test " + UUID.randomUUID();

        Smtp smtp = new Smtp();
        smtp.send(user.name(), user.appPassword(), user.address(), user.address(), subject);
        AppPasswordAssertions.assertNoSecret(smtp.trace(), user.appPassword());

        long deadline = System.currentTimeMillis() + 30_000;
        while (!delivered(user, subject)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the message did not arrive within 30 s; Postfix log:\n" + servers.postfixLog());
            }
            Thread.sleep(500);
        }
        assertTrue(servers.postfixLog().contains("sasl_method=PLAIN, sasl_username=" + user.name()),
                "Postfix took the message from the SASL-authenticated user");
    }

    private static boolean delivered(MailUser user, String subject) throws MessagingException {
        try (Store store = Imap.authenticatePlain().connect(user.name(), user.appPassword())) {
            return Inbox.holds(store, subject);
        }
    }

    @Test
    void smtpRefusesTheMainPasswordAndUnauthenticatedSubmission() {
        assumeTrue(MailServers.postfixBinary().isPresent(), "Postfix is not installed (.ci/run installs it)");
        MailUser user = MailUser.create("smtp-main");

        assertThrows(AuthenticationFailedException.class,
                () -> new Smtp().send(user.name(), Users.PASSWORD, user.address(), user.address(), "main password"));
        assertThrows(AuthenticationFailedException.class,
                () -> new Smtp().send("nobody-" + UUID.randomUUID(), user.appPassword(), user.address(), user.address(), "unknown"));
        MessagingException anonymous = assertThrows(MessagingException.class,
                () -> new Smtp().send(null, null, user.address(), user.address(), "no auth"));
        assertTrue(String.valueOf(anonymous.getMessage()).contains("554")
                || String.valueOf(anonymous.getNextException()).contains("Access denied"), String.valueOf(anonymous));
    }

    /** curl as the mail client, with the commands docker/README.md gives admins. */
    @Test
    void curlReadsAndSendsMailWithTheAppPassword() throws Exception {
        assumeTrue(MailServers.postfixBinary().isPresent(), "Postfix is not installed (.ci/run installs it)");
        MailUser user = MailUser.create("curl");
        String imap = "imap://127.0.0.1:" + servers.imapPort() + "/INBOX";

        assertEquals(0, curl(imap, user.name() + ":" + user.appPassword(), "-X", "EXAMINE INBOX"));
        assertEquals(67, curl(imap, user.name() + ":" + Users.PASSWORD, "-X", "EXAMINE INBOX"), "CURLE_LOGIN_DENIED");

        Path message = Files.createTempFile("mail", ".txt");
        try {
            Files.writeString(message, "Subject: hello from curl\r\n\r\nsent with an app password\r\n");
            String smtp = "smtp://127.0.0.1:" + servers.submissionPort();
            assertEquals(0, curl(smtp, user.name() + ":" + user.appPassword(), "--mail-from", user.address(),
                    "--mail-rcpt", user.address(), "-T", message.toString()));
            assertEquals(67, curl(smtp, user.name() + ":" + Users.PASSWORD, "--mail-from", user.address(),
                    "--mail-rcpt", user.address(), "-T", message.toString()), "CURLE_LOGIN_DENIED");
        } finally {
            Files.deleteIfExists(message);
        }
    }

    /** Runs curl with STARTTLS required and the test certificate as CA; returns its exit code. */
    private static int curl(String url, String credentials, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--ssl-reqd", "--cacert",
                servers.certificate().toString(), "--max-time", "60", "-u", credentials, url));
        command.addAll(List.of(args));
        return Commands.run(command, null, Map.of(), null, Duration.ofSeconds(90)).status();
    }

    // ------------------------------------------------------------------------------------------ clients

    private static void assertSelectsInbox(Store store) throws MessagingException {
        assertTrue(store.isConnected());
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE); // SELECT
        assertTrue(inbox.isOpen());
        assertTrue(inbox.getMessageCount() >= 0);
        inbox.close(false);
    }

    @FunctionalInterface
    private interface Login {
        Store connect() throws Exception;
    }

    /** The server's words when a login is refused (Dovecot's NO response). */
    private static String refusal(Login login) {
        AuthenticationFailedException e = assertThrows(AuthenticationFailedException.class, () -> login.connect().close());
        return String.valueOf(e.getMessage());
    }

    /** An IMAP client session with STARTTLS required, trusting exactly the test certificate; keeps its trace. */
    private static final class Imap {
        private final Properties props = new Properties();
        private final ByteArrayOutputStream trace = new ByteArrayOutputStream();

        private Imap() {
            props.put("mail.imap.host", "127.0.0.1");
            props.put("mail.imap.port", String.valueOf(servers.imapPort()));
            props.put("mail.imap.starttls.enable", "true");
            props.put("mail.imap.starttls.required", "true");
            props.put("mail.imap.ssl.socketFactory", servers.tls());
            props.put("mail.imap.ssl.checkserveridentity", "true");
            props.put("mail.imap.connectiontimeout", "10000");
            props.put("mail.imap.timeout", "30000");
        }

        /** The plain IMAP LOGIN command (what many older mail apps send). */
        static Imap loginCommand() {
            Imap imap = new Imap();
            imap.props.put("mail.imap.auth.plain.disable", "true");
            imap.props.put("mail.imap.auth.login.disable", "true");
            imap.props.put("mail.imap.auth.ntlm.disable", "true");
            return imap;
        }

        /** SASL: AUTHENTICATE PLAIN. */
        static Imap authenticatePlain() {
            Imap imap = new Imap();
            imap.props.put("mail.imap.auth.mechanisms", "PLAIN");
            return imap;
        }

        Store connect(String user, String password) throws MessagingException {
            Session session = Session.getInstance(props);
            session.setDebug(true);
            session.setDebugOut(new PrintStream(trace, true, StandardCharsets.UTF_8));
            Store store = session.getStore("imap");
            store.connect(user, password);
            return store;
        }

        String trace() {
            return trace.toString(StandardCharsets.UTF_8);
        }
    }

    /** An SMTP submission client: STARTTLS required, then AUTH PLAIN (none if user is null). */
    private static final class Smtp {
        private final ByteArrayOutputStream trace = new ByteArrayOutputStream();

        void send(String user, String password, String from, String to, String subject) throws MessagingException {
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", String.valueOf(servers.submissionPort()));
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
            props.put("mail.smtp.ssl.socketFactory", servers.tls());
            props.put("mail.smtp.ssl.checkserveridentity", "true");
            props.put("mail.smtp.auth", String.valueOf(user != null));
            props.put("mail.smtp.auth.mechanisms", "PLAIN");
            props.put("mail.smtp.connectiontimeout", "10000");
            props.put("mail.smtp.timeout", "30000");
            Session session = Session.getInstance(props);
            session.setDebug(true);
            session.setDebugOut(new PrintStream(trace, true, StandardCharsets.UTF_8));

            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(from));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
            message.setSubject(subject);
            message.setText("Sent by a mail app signed in with an app password.");
            if (user == null) {
                Transport.send(message);
            } else {
                Transport.send(message, user, password);
            }
        }

        String trace() {
            return trace.toString(StandardCharsets.UTF_8);
        }
    }
}
