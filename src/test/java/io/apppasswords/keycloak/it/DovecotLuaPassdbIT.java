package io.apppasswords.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.apppasswords.keycloak.it.Dovecot.Line;
import io.apppasswords.keycloak.it.TokenEndpointStub.Answer;

/**
 * The shipped Lua passdb ({@code docker/mail/dovecot/keycloak-app-passwords.lua}) in Debian 12's Dovecot 2.3
 * and Debian 13's Dovecot 2.4, each configured from the auth part docs/DOVECOT.md tells admins to copy. Per line:
 * one Dovecot against the shared Keycloak, one against a {@link TokenEndpointStub} over HTTPS whose
 * certificate it trusts, one against the same stub without trusting it, one against a closed port.
 * The mail clients are {@link MailWire} (IMAP LOGIN, SMTP AUTH on Dovecot's submission service, and the auth
 * protocol Postfix speaks for service {@code smtp}) and curl.
 */
class DovecotLuaPassdbIT {

    private static final String CLIENT = DemoRealm.MAIL;
    private static final String CLIENT_SECRET = DemoRealm.MAIL_SECRET;
    private static final Map<Line, Instances> INSTANCES = new EnumMap<>(Line.class);

    /** The four Dovecots of one line, started on first use. */
    private record Instances(Dovecot keycloak, Dovecot stubbed, Dovecot untrusting, Dovecot unreachable,
                             TokenEndpointStub stub) {
        List<Dovecot> all() {
            return List.of(keycloak, stubbed, untrusting, unreachable);
        }
    }

    private static synchronized Instances instances(Line line) {
        assumeTrue(Dovecot.available(line), line + " with dovecot-auth-lua is not installed here (.ci/run installs it)");
        return INSTANCES.computeIfAbsent(line, l -> {
            String tokenEndpoint = KeycloakServer.get().tokenEndpoint();
            Dovecot keycloak = Dovecot.create(l, "keycloak").keycloakPassdb(tokenEndpoint, CLIENT, CLIENT_SECRET)
                    .withoutFailureDelays().start();
            Dovecot stubbed = Dovecot.create(l, "stub");
            TokenEndpointStub stub = new TokenEndpointStub(stubbed.dir());
            stubbed.keycloakPassdb(stub.url(), CLIENT, CLIENT_SECRET).withoutFailureDelays()
                    .setting("ssl_client_ca_file = " + stubbed.insidePath(stub.certificate())).start();
            Dovecot untrusting = Dovecot.create(l, "untrusting").keycloakPassdb(stub.url(), CLIENT, CLIENT_SECRET)
                    .withoutFailureDelays().start();
            Dovecot unreachable = Dovecot.create(l, "unreachable")
                    .keycloakPassdb("http://127.0.0.1:" + Local.freePort() + "/token", CLIENT, CLIENT_SECRET)
                    .withoutFailureDelays().start();
            return new Instances(keycloak, stubbed, untrusting, unreachable, stub);
        });
    }

    @AfterAll
    static void stop() {
        INSTANCES.values().forEach(i -> {
            i.all().forEach(Dovecot::close);
            i.stub().close();
        });
    }

    /** A fresh loopback address per login, so Dovecot's per-IP penalty for failures never slows a test. */
    private static String anyLoopback() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127.1." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /**
     * The same for the address Postfix passes on: Dovecot's auth penalty (up to 15 s per attempt, temporary
     * failures included) follows it too. From the benchmarking range 198.18.0.0/15.
     */
    private static String anyRemote() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198." + (18 + r.nextInt(2)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    // ------------------------------------------------------------------------------------------ Keycloak

    @ParameterizedTest
    @EnumSource(Line.class)
    void imapAndSmtpAcceptTheAppPassword(Line line) throws Exception {
        Dovecot dovecot = instances(line).keycloak();
        String user = Users.create("lua-ok");
        String appPassword = Users.createAppPassword(user, "Mail app");

        assertTrue(MailWire.imapLogin(dovecot.imapPort(), anyLoopback(), user, appPassword).startsWith("a OK"));
        assertTrue(MailWire.smtpAuthPlain(dovecot.submissionPort(), anyLoopback(), user, appPassword).startsWith("235"));
        String postfix = MailWire.dovecotAuth(dovecot.authPort(), "smtp", "192.0.2.1", user, appPassword);
        assertTrue(postfix.startsWith("OK 1 user=" + user), postfix);
        // typed into a phone: upper case, dashes left out; Dovecot takes the name Keycloak returns
        String typed = appPassword.replace("-", "").toUpperCase();
        assertTrue(MailWire.imapLogin(dovecot.imapPort(), anyLoopback(), user.toUpperCase(), typed).startsWith("a OK"));

        // as in docker/README.md: curl, STARTTLS required, the server's certificate as CA
        Commands.Result curl = Commands.run(List.of("curl", "-sS", "--ssl-reqd", "--cacert", dovecot.certificate().toString(),
                "--max-time", "60", "-u", user + ":" + appPassword, "imap://127.0.0.1:" + dovecot.imapPort() + "/INBOX",
                "-X", "EXAMINE INBOX"), null, Map.of(), null, Duration.ofSeconds(90));
        assertEquals(0, curl.status(), curl.output());

        assertTrue(dovecot.log().contains("user=<" + user + ">"), "Dovecot logged the login");
        AppPasswordAssertions.assertNoSecret(dovecot.log(), appPassword);
    }

    @ParameterizedTest
    @EnumSource(Line.class)
    void wrongRevokedMainPasswordAndUnknownUserAreAuthenticationFailures(Line line) {
        Dovecot dovecot = instances(line).keycloak();
        String user = Users.create("lua-refused");
        String appPassword = Users.createAppPassword(user, "Mail app");
        Map<String, String[]> refused = new LinkedHashMap<>();
        refused.put("wrong app password", new String[] {user, AppPasswordAssertions.mutate(appPassword)});
        refused.put("main password", new String[] {user, Users.PASSWORD});
        refused.put("unknown user", new String[] {"nobody-" + UUID.randomUUID(), appPassword});
        assertRefusedEverywhere(dovecot, refused);

        Users.get(user).removeCredential(Users.appPasswords(user).get(0).getId());
        assertRefusedEverywhere(dovecot, Map.of("revoked app password", new String[] {user, appPassword}));
        AppPasswordAssertions.assertNoSecret(dovecot.log(), appPassword);
    }

    private static void assertRefusedEverywhere(Dovecot dovecot, Map<String, String[]> cases) {
        cases.forEach((what, login) -> {
            String imap = MailWire.imapLogin(dovecot.imapPort(), anyLoopback(), login[0], login[1]);
            assertTrue(imap.startsWith("a NO [AUTHENTICATIONFAILED]"), what + ": " + imap);
            String smtp = MailWire.smtpAuthPlain(dovecot.submissionPort(), anyLoopback(), login[0], login[1]);
            assertTrue(smtp.startsWith("535"), what + ": " + smtp);
            String postfix = MailWire.dovecotAuth(dovecot.authPort(), "smtp", anyRemote(), login[0], login[1]);
            assertTrue(postfix.startsWith("FAIL") && !postfix.contains("temp"), what + ": " + postfix);
        });
    }

    /** The Lua passdb sends the mail app's address; the demo realm trusts mail-server to forward it. */
    @ParameterizedTest
    @EnumSource(Line.class)
    void lastUseShowsTheMailAppsAddress(Line line) throws Exception {
        Dovecot dovecot = instances(line).keycloak();
        String user = Users.create("lua-fromip");
        String appPassword = Users.createAppPassword(user, "Mail app");
        assertTrue(MailWire.imapLogin(dovecot.imapPort(), "127.0.0.2", user, appPassword).startsWith("a OK"));
        JsonNode lastUse = Json.read(Users.appPasswords(user).get(0).getCredentialData());
        assertEquals("127.0.0.2", lastUse.path("lastUsedIp").asText(), lastUse.toString());
    }

    /**
     * Protocol scope through a real Dovecot: the Lua passdb names the service, so an app password limited to
     * sending mail works on submission (and Postfix's SMTP AUTH) and is refused on IMAP, and its last use says
     * through which protocol and from where.
     */
    @ParameterizedTest
    @EnumSource(Line.class)
    void aSendingOnlyAppPasswordSendsButCannotRead(Line line) {
        Dovecot dovecot = instances(line).keycloak();
        String user = Users.create("lua-smtp-only");
        String token = Users.accountToken(user, Users.PASSWORD);
        HttpReply created = AppPasswordApi.createJson(token,
                Json.write(Map.of("name", "Scanner", "protocols", List.of("smtp"))));
        assertEquals(201, created.status(), created.toString());
        String appPassword = created.json().path("password").asText();
        AppPasswordApi.ISSUED.add(appPassword);

        String imap = MailWire.imapLogin(dovecot.imapPort(), anyLoopback(), user, appPassword);
        assertTrue(imap.startsWith("a NO [AUTHENTICATIONFAILED]"), imap);
        String postfix = MailWire.dovecotAuth(dovecot.authPort(), "smtp", "192.0.2.1", user, appPassword);
        assertTrue(postfix.startsWith("OK 1 user=" + user), postfix);
        JsonNode scanner = AppPasswordAssertions.find(AppPasswordApi.list(token).json(), "Scanner");
        assertEquals("smtp", scanner.path("lastUsedProtocol").asText(), scanner.toString());
        assertEquals("192.0.2.1", scanner.path("lastUsedIp").asText(), scanner.toString());
        String from = anyLoopback();
        assertTrue(MailWire.smtpAuthPlain(dovecot.submissionPort(), from, user, appPassword).startsWith("235"));
        AppPasswordAssertions.assertNoSecret(dovecot.log(), appPassword);
    }

    /** CR/LF, NUL, %, quotes and 10 kB values through Dovecot: never a login, never a crash, never logged. */
    @ParameterizedTest
    @EnumSource(Line.class)
    void hostileInputNeverLogsInNorCrashesAuth(Line line) {
        Dovecot dovecot = instances(line).keycloak();
        String user = Users.create("lua-hostile");
        String appPassword = Users.createAppPassword(user, "Mail app");
        List<byte[][]> attempts = new ArrayList<>();
        for (String password : hostilePasswords(appPassword)) {
            attempts.add(new byte[][] {bytes(user), bytes(password)});
        }
        for (String name : List.of(user + "\r\nX-Evil: 1", "nobody\0" + user, user + "%00", user + "\"", user + "'",
                user + "&username=" + user, "%" + user, "k".repeat(10_000))) {
            attempts.add(new byte[][] {bytes(name), bytes(appPassword)});
        }
        for (byte[][] attempt : attempts) {
            String what = Json.write(new String(attempt[0], StandardCharsets.UTF_8)) + " / "
                    + Json.write(new String(attempt[1], StandardCharsets.UTF_8));
            String imap = MailWire.imapLogin(dovecot.imapPort(), anyLoopback(), attempt[0], attempt[1]);
            assertFalse(imap.startsWith("a OK"), what + ": " + imap);
            String smtp = MailWire.smtpAuthPlain(dovecot.submissionPort(), anyLoopback(), attempt[0], attempt[1]);
            assertFalse(smtp.startsWith("235"), what + ": " + smtp);
        }
        assertTrue(MailWire.imapLogin(dovecot.imapPort(), anyLoopback(), user, appPassword).startsWith("a OK"),
                "auth still answers");
        String log = dovecot.log();
        assertFalse(Pattern.compile("signal|Panic|Fatal").matcher(log).find(), log);
        for (String password : hostilePasswords(appPassword)) {
            assertFalse(log.contains(password.substring(0, Math.min(40, password.length()))), "password in the log");
        }
        AppPasswordAssertions.assertNoSecret(log, appPassword);
    }

    /**
     * The right secret behind a wrong one and a separator: an unencoded field, a header break or a C string
     * cut at NUL in the wrong place would let it through. (Dovecot ends a password at a NUL, so the right secret
     * followed by a NUL and junk is simply the right secret.)
     */
    private static List<String> hostilePasswords(String appPassword) {
        String wrong = AppPasswordAssertions.mutate(appPassword);
        return List.of(wrong + "\r\nX-Evil: " + appPassword, wrong + "\0" + appPassword, wrong + "%00" + appPassword,
                "%" + wrong, wrong + "&password=" + appPassword, "\"" + wrong + "\"", "'" + wrong + "'",
                "p".repeat(10_000) + appPassword, wrong + "\n" + appPassword);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------ stub

    /** What arrives at Keycloak: the services and the mail app's address as headers, every field form-encoded. */
    @ParameterizedTest
    @EnumSource(Line.class)
    void sendsServiceAndAddressHeadersAndEncodesEveryField(Line line) {
        Instances instances = instances(line);
        TokenEndpointStub stub = instances.stub();
        Dovecot dovecot = instances.stubbed();
        stub.answer(Answer.json(200, "{\"access_token\":\"x\",\"app_password_username\":\"stub-user\"}"));
        // Dovecot itself refuses passwords with CR or LF ("illegal chars") before any passdb, and SMTP lines
        // of more than 512 octets
        String password = "a%b&c=d+e \"q' \u00fc;" + "w".repeat(300);

        stub.requests().clear();
        String imap = MailWire.imapLogin(dovecot.imapPort(), "127.0.0.2", "Alice", password);
        assertTrue(imap.startsWith("a OK"), imap);
        String smtp = MailWire.smtpAuthPlain(dovecot.submissionPort(), "127.0.0.3", "alice", password);
        assertTrue(smtp.startsWith("235"), smtp);
        String postfix = MailWire.dovecotAuth(dovecot.authPort(), "smtp", "192.0.2.7", "alice", password);
        assertTrue(postfix.startsWith("OK"), postfix);
        String sieve = MailWire.dovecotAuth(dovecot.authPort(), "sieve", "192.0.2.8", "alice", password);
        assertTrue(sieve.startsWith("OK"), sieve);

        List<TokenEndpointStub.Request> requests = stub.requests();
        assertEquals(List.of("imap", "submission", "smtp", "sieve"),
                requests.stream().map(r -> r.header("X-Dovecot-Auth-Service")).toList());
        assertEquals(List.of("127.0.0.2", "127.0.0.3", "192.0.2.7", "192.0.2.8"),
                requests.stream().map(r -> r.header("X-Dovecot-Auth-Remote")).toList());
        for (TokenEndpointStub.Request request : requests) {
            assertEquals("application/x-www-form-urlencoded", request.header("Content-Type"));
            Map<String, List<String>> form = new LinkedHashMap<>();
            for (String pair : request.body().split("&")) {
                String[] kv = pair.split("=", 2);
                form.computeIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            assertEquals(Map.of("grant_type", List.of("password"), "client_id", List.of(CLIENT),
                    "client_secret", List.of(CLIENT_SECRET), "username", List.of("alice"), "password", List.of(password)), form);
        }
        AppPasswordAssertions.assertNoSecret(dovecot.log(), password);
    }

    /** Keycloak down, hanging or answering nonsense: a temporary failure, logged once, never the password. */
    @ParameterizedTest
    @EnumSource(Line.class)
    void keycloakFailingIsATemporaryFailureLoggedOnce(Line line) {
        Instances instances = instances(line);
        Map<String, Answer> answers = new LinkedHashMap<>();
        answers.put("500", Answer.json(500, "{\"error\":\"unknown_error\"}"));
        answers.put("HTML", new Answer(200, "text/html", "<html><body>Sign in</body></html>", null, 0));
        answers.put("HTML 400", new Answer(400, "text/html", "<html>Bad Request</html>", null, 0));
        answers.put("redirect", new Answer(302, "text/html", "", "Location: http://127.0.0.1:1/elsewhere", 0));
        answers.put("garbage", new Answer(200, "application/json", "\u0000\u00ff{{\"app_password_username\"", null, 0));
        answers.put("no user name", Answer.json(200, "{\"access_token\":\"x\"}"));
        answers.put("wrong client secret", Answer.json(401, "{\"error\":\"invalid_client\"}"));
        answers.put("empty 401", new Answer(401, "application/json", "", null, 0));
        answers.put("control characters in the name", Answer.json(200, "{\"app_password_username\":\"a\\nb\"}"));
        answers.forEach((what, answer) -> {
            instances.stub().answer(answer);
            assertTemporaryFailure(instances.stubbed(), what);
        });
        assertTemporaryFailure(instances.unreachable(), "closed port");
        instances.stub().answer(Answer.json(200, "{\"app_password_username\":\"stub-user\"}"));
        assertTemporaryFailure(instances.untrusting(), "certificate not trusted");
        assertTrue(instances.untrusting().log().contains("certificate"), instances.untrusting().log());
        // the same stub, trusted: in
        assertTrue(MailWire.imapLogin(instances.stubbed().imapPort(), anyLoopback(), "alice", "secret").startsWith("a OK"));
    }

    /** A Keycloak that accepts the connection and never answers: the login gives up after 15 s. */
    @ParameterizedTest
    @EnumSource(Line.class)
    void aHangingKeycloakTimesOut(Line line) {
        Instances instances = instances(line);
        instances.stub().answer(new Answer(200, "application/json", "{}", null, 40_000));
        try {
            long start = System.nanoTime();
            String imap = MailWire.imapLogin(instances.stubbed().imapPort(), anyLoopback(), "alice", "hang-password");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertTrue(imap.startsWith("a NO [UNAVAILABLE]"), imap);
            assertTrue(seconds < 30, seconds + " s");
        } finally {
            instances.stub().answer(Answer.json(200, "{\"app_password_username\":\"stub-user\"}"));
        }
    }

    private static void assertTemporaryFailure(Dovecot dovecot, String what) {
        String password = "pw-" + UUID.randomUUID();
        long before = logLines(dovecot);
        String imap = MailWire.imapLogin(dovecot.imapPort(), anyLoopback(), "alice", password);
        assertTrue(imap.startsWith("a NO [UNAVAILABLE]"), what + ": " + imap);
        awaitLogLines(dovecot, before + 1, what);
        String smtp = MailWire.smtpAuthPlain(dovecot.submissionPort(), anyLoopback(), "alice", password);
        assertTrue(smtp.startsWith("454"), what + ": " + smtp);
        String postfix = MailWire.dovecotAuth(dovecot.authPort(), "smtp", anyRemote(), "alice", password);
        assertTrue(postfix.startsWith("FAIL") && postfix.contains("temp"), what + ": " + postfix);
        awaitLogLines(dovecot, before + 3, what);
        assertFalse(dovecot.log().contains(password), what + ": the password is in Dovecot's log");
    }

    /** Dovecot's error lines for the passdb; each must carry the script's reason. */
    private static long logLines(Dovecot dovecot) {
        List<String> lines = dovecot.log().lines().filter(l -> l.contains("passdb-lua:")).toList();
        lines.forEach(l -> assertTrue(l.contains("passdb-lua: keycloak-app-passwords: "), l));
        return lines.size();
    }

    /** Dovecot logs through its log process: give it a moment, then demand exactly one line per failure. */
    private static void awaitLogLines(Dovecot dovecot, long expected, String what) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (logLines(dovecot) < expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertEquals(expected, logLines(dovecot), what + ": one log line per failure\n" + dovecot.log());
        assertFalse(dovecot.log().contains("signal"), dovecot.log());
    }
}
