package io.apppasswords.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.apppasswords.keycloak.it.SmtpClients.Result;
import io.apppasswords.keycloak.it.TokenEndpointStub.Answer;

/**
 * SMTP AUTH as admins set it up from docs/POSTFIX.md: the docs' own Postfix lines in Debian 12's Postfix 3.7
 * and Debian 13's 3.10, asking Dovecot with each passdb the README offers (the shipped Lua passdb on 2.3 and
 * 2.4, 2.3's built-in oauth2 passdb), once against the shared Keycloak and once against a Keycloak that is
 * down (a {@link TokenEndpointStub} answering 503, as a reverse proxy does). The mail apps are swaks, msmtp
 * and curl; the same answers are checked through Dovecot's own submission service.
 */
class PostfixIT {

    /** The passdbs the README offers. */
    enum Passdb {
        LUA_23(Dovecot.Line.V2_3), LUA_24(Dovecot.Line.V2_4), OAUTH2_23(Dovecot.Line.V2_3);

        final Dovecot.Line line;

        Passdb(Dovecot.Line line) {
            this.line = line;
        }

        /** Configured as the docs say, 2.4 with the docs' block that makes Postfix answer 454 in an outage. */
        Dovecot dovecot(String name, String tokenUrl) {
            Dovecot dovecot = Dovecot.create(line, name().toLowerCase() + "-" + name);
            (this == OAUTH2_23 ? dovecot.builtInOauth2Passdb(tokenUrl, DemoRealm.MAIL, DemoRealm.MAIL_SECRET)
                    : dovecot.keycloakPassdb(tokenUrl, DemoRealm.MAIL, DemoRealm.MAIL_SECRET)).withoutFailureDelays();
            return line == Dovecot.Line.V2_4 ? dovecot.setting(Postfix.blockAfter(DOCS, TEMPORARY_FAILURE_BLOCK)) : dovecot;
        }

        /** Whether Postfix answers an outage with 454 (see docs/POSTFIX.md, "When Keycloak is down"). */
        boolean postfixSaysTryLater() {
            return line == Dovecot.Line.V2_4;
        }
    }

    /** One passdb's two Dovecots: Keycloak up and Keycloak down. */
    private record Dovecots(Dovecot keycloak, Dovecot down) {
    }

    /** One Postfix with a submission service per Dovecot. */
    private record Running(Postfix postfix, Map<Dovecot, Integer> ports) {
        int port(Dovecot dovecot) {
            return ports.get(dovecot);
        }
    }

    private static final Path DOCS = Path.of("docs", "POSTFIX.md");
    /** Where docs/POSTFIX.md gives Dovecot 2.4's setting for a 454 through Postfix. */
    private static final String TEMPORARY_FAILURE_BLOCK = "Add to `dovecot.conf`:";
    private static final Map<Passdb, Dovecots> DOVECOTS = new EnumMap<>(Passdb.class);
    private static final Map<Postfix.Line, Running> POSTFIXES = new EnumMap<>(Postfix.Line.class);
    private static TokenEndpointStub down;

    private static synchronized Dovecots dovecots(Passdb passdb) {
        assumeTrue(Dovecot.available(passdb.line), passdb.line + " is not installed here (.ci/run installs it)");
        return DOVECOTS.computeIfAbsent(passdb, p -> {
            if (down == null) {
                down = new TokenEndpointStub(null);
                down.answer(new Answer(503, "text/html", "<html><body>503 Service Unavailable</body></html>", null, 0));
            }
            return new Dovecots(p.dovecot("keycloak", KeycloakServer.get().tokenEndpoint()).start(),
                    p.dovecot("down", down.url()).start());
        });
    }

    /** The Postfix of {@code line}, its submission services asking every Dovecot of every passdb here. */
    private static synchronized Running postfix(Postfix.Line line) {
        assumeTrue(Postfix.available(line), line + " is not installed here (.ci/run installs it)");
        return POSTFIXES.computeIfAbsent(line, l -> {
            List<Dovecots> all = Stream.of(Passdb.values()).filter(p -> Dovecot.installed(p.line)).map(PostfixIT::dovecots).toList();
            Postfix.DocBlocks docs = Postfix.docBlocks(DOCS);
            Postfix postfix = Postfix.create(l, "docs").mainCf(docs.main());
            Map<Dovecot, Integer> ports = new LinkedHashMap<>();
            for (Dovecots d : all) {
                ports.put(d.keycloak(), postfix.submission(docs.master(), d.keycloak().authPort()));
                ports.put(d.down(), postfix.submission(docs.master(), d.down().authPort()));
            }
            return new Running(postfix.start(), ports);
        });
    }

    @AfterAll
    static void stop() {
        POSTFIXES.values().forEach(r -> r.postfix().close());
        DOVECOTS.values().forEach(d -> {
            d.keycloak().close();
            d.down().close();
        });
        if (down != null) {
            down.close();
        }
    }

    // ------------------------------------------------------------------------------------------ the docs

    /**
     * Every Markdown file's main.cf and master.cf lines, as Postfix reads them: postconf and postfix check
     * accept them without a warning, and no value Postfix read holds a {@code #} (Postfix has no end-of-line
     * comments: 3.7 makes the comment part of the value, 3.10 warns and then does the same).
     */
    @ParameterizedTest
    @EnumSource(Postfix.Line.class)
    void theDocsPostfixLinesAreWhatPostfixReads(Postfix.Line line) throws IOException {
        assumeTrue(Postfix.available(line), line + " is not installed here (.ci/run installs it)");
        List<Postfix.DocBlocks> documented = markdownFiles().map(Postfix::docBlocks)
                .filter(b -> !b.mainCf().isEmpty() || !b.masterCf().isEmpty()).toList();
        assertTrue(documented.stream().anyMatch(b -> b.source().equals(DOCS)), "found no Postfix block in " + DOCS);
        Postfix.DocBlocks ours = documented.stream().filter(b -> b.source().equals(DOCS)).findFirst().orElseThrow();
        assertTrue(ours.main().contains("smtpd_sasl_type = dovecot") && ours.master().contains("smtpd_sasl_auth_enable=yes"),
                "read the main.cf and master.cf blocks of " + DOCS);

        List<String> problems = new ArrayList<>();
        for (Postfix.DocBlocks blocks : documented) {
            try (Postfix postfix = Postfix.create(line, "check").mainCf(blocks.main()).masterCf(blocks.master())) {
                String read = postfix.check();
                for (String setting : blocks.mainCf()) {
                    String key = setting.split("=", 2)[0].trim();
                    if (!setting.isBlank() && !setting.startsWith("#") && !read.contains(key + " = ")) {
                        problems.add(blocks.source() + ": Postfix did not read " + key);
                    }
                }
                read.lines().filter(l -> l.contains("#") || l.contains("warning:")).map(String::strip).distinct()
                        .forEach(l -> problems.add(blocks.source() + ": " + l));
            } catch (IllegalStateException e) {
                problems.add(blocks.source() + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), problems, line.toString());
    }

    private static Stream<Path> markdownFiles() throws IOException {
        try (Stream<Path> all = Files.walk(Path.of("."))) {
            return all.filter(p -> p.toString().endsWith(".md")).map(p -> Path.of(".").relativize(p).normalize())
                    .filter(p -> !p.startsWith("target") && !p.startsWith("node_modules") && !p.startsWith(".git"))
                    .sorted().toList().stream();
        }
    }

    // ------------------------------------------------------------------------------------------ SMTP AUTH

    static Stream<Arguments> postfixAndPassdb() {
        return Stream.of(Postfix.Line.values()).flatMap(l -> Stream.of(Passdb.values()).map(p -> Arguments.of(l, p)));
    }

    /**
     * Through Postfix: the app password sends, every refusal is 535 in each client; an outage is 454 with
     * Dovecot 2.4 and the docs' block, and 535 with Dovecot 2.3, where Postfix drops Dovecot's temporary failure
     * (the docs say so; this pins it, so a Postfix or Dovecot that changes it shows up here).
     */
    @ParameterizedTest
    @MethodSource("postfixAndPassdb")
    void throughPostfix(Postfix.Line line, Passdb passdb) {
        Running running = postfix(line);
        Dovecots dovecots = dovecots(passdb);
        Path ca = running.postfix().certificate();
        Answers answers = answers(new Door(running.port(dovecots.keycloak()), ca), new Door(running.port(dovecots.down()), ca));
        String what = line + ", " + passdb + ": ";

        answers.appPassword().forEach(r -> assertEquals(0, r.exit(), what + r));
        assertRefused(what, answers);
        if (passdb.postfixSaysTryLater()) {
            assertClients(what + "outage: ", answers.outage(),
                    "454 4.7.0 Temporary authentication failure: Connection lost to authentication server");
        } else {
            assertClients(what + "outage: ", answers.outage(), "535 5.7.8 Error: authentication failed: (reason unavailable)");
        }
    }

    /** Through Dovecot's own submission service: 454 in an outage, 535 for every refusal, with every passdb. */
    @ParameterizedTest
    @EnumSource(Passdb.class)
    void throughDovecotSubmission(Passdb passdb) {
        Dovecots dovecots = dovecots(passdb);
        Answers answers = answers(new Door(dovecots.keycloak().submissionPort(), dovecots.keycloak().certificate()),
                new Door(dovecots.down().submissionPort(), dovecots.down().certificate()));
        String what = "Dovecot submission, " + passdb + ": ";

        // AUTH succeeds; the test's Dovecot relays to no one, so the message itself is not taken
        Result swaks = answers.appPassword().get(0);
        assertTrue(swaks.output().contains("<~  235 "), what + swaks);
        Result curl = answers.appPassword().get(2);
        assertTrue(curl.output().contains("< 235 "), what + curl);
        assertRefused(what, answers);
        assertClients(what + "outage: ", answers.outage(), "454 4.7.0 Temporary authentication failure.");
    }

    private static void assertRefused(String what, Answers answers) {
        String refused = "535 5.7.8 ";
        assertClients(what + "wrong app password: ", answers.wrong(), refused);
        assertClients(what + "main password: ", answers.mainPassword(), refused);
        assertClients(what + "revoked app password: ", answers.revoked(), refused);
    }

    /**
     * The mail apps' view: swaks shows the reply as a failure (exit 28), msmtp prints it and exits EX_NOPERM
     * (77; msmtp 1.8.23 exits so for a 454 too), curl prints it and exits CURLE_LOGIN_DENIED (67) for both.
     */
    private static void assertClients(String what, List<Result> results, String reply) {
        Result swaks = results.get(0);
        Result msmtp = results.get(1);
        Result curl = results.get(2);
        assertTrue(swaks.exit() == 28 && swaks.output().contains("<~* " + reply), what + swaks);
        assertTrue(msmtp.exit() == 77 && msmtp.output().contains("server message: " + reply), what + msmtp);
        assertTrue(curl.exit() == 67 && curl.output().contains("< " + reply), what + curl);
    }

    /** Where a mail app submits: a port and the CA its certificate chains to. */
    private record Door(int port, Path ca) {
        List<Result> clients(String user, String password) {
            return List.of(SmtpClients.swaks(port, anyLoopback(), user, password),
                    SmtpClients.msmtp(port, ca, anyLoopback(), user, password),
                    SmtpClients.curl(port, ca, anyLoopback(), user, password));
        }
    }

    /** Each client's answer to the app password, a wrong one, the main password, a revoked one, an outage. */
    private record Answers(List<Result> appPassword, List<Result> wrong, List<Result> mainPassword,
                           List<Result> revoked, List<Result> outage) {
    }

    private static Answers answers(Door keycloak, Door down) {
        String user = Users.create("postfix");
        String appPassword = Users.createAppPassword(user, "Mail app");
        List<Result> ok = keycloak.clients(user, appPassword);
        List<Result> wrong = keycloak.clients(user, AppPasswordAssertions.mutate(appPassword));
        List<Result> main = keycloak.clients(user, Users.PASSWORD);
        List<Result> outage = down.clients(user, appPassword);
        Users.get(user).removeCredential(Users.appPasswords(user).get(0).getId());
        return new Answers(ok, wrong, main, keycloak.clients(user, appPassword), outage);
    }

    /** A fresh loopback address per login, so Dovecot's per-address failure penalty never slows a test. */
    private static String anyLoopback() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127.2." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }
}
