package io.apppasswords.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.apppasswords.keycloak.it.Dovecot.Line;

/**
 * {@code docker/mail/dovecot/setup-debian.sh} on the untouched {@code /etc/dovecot} of Debian 12's packages
 * (Dovecot 2.3) and of the Debian 13 root (2.4), run on that system (chroot for 2.4), against the shared
 * Keycloak. The user is a Keycloak user and a system user of the same name with the same main password, as
 * on a mail host that used PAM before: the stock configuration lets that password in over IMAP, the script
 * refuses while PAM is active, and after {@code --disable-other-passdbs} only the app password signs in.
 */
class DebianSetupScriptIT {

    private static final String SCRIPT = "setup-debian.sh";

    @ParameterizedTest
    @EnumSource(Line.class)
    void aStockDovecotEndsBehindKeycloakWithNoWayAround(Line line) throws Exception {
        assumeTrue(Dovecot.available(line), line + " with dovecot-auth-lua is not installed here (.ci/run installs it)");
        String user = Users.create("setup");
        String appPassword = Users.createAppPassword(user, "Mail app");
        try (Dovecot dovecot = Dovecot.create(line, "stock-setup").withoutFailureDelays();
             SystemAccount ignored = SystemAccount.create(dovecot, user, Users.PASSWORD)) {
            Path etc = dovecot.copyStockConfig();
            // the project's docker/mail/ as an admin has it: the script beside the Lua passdb and the templates
            Files.createDirectories(dovecot.dir().resolve("project"));
            for (String dir : List.of("dovecot", "dovecot-2.4")) {
                Commands.check(List.of("cp", "-r", MailServers.TEMPLATES.resolve(dir).toString(),
                        dovecot.dir().resolve("project").resolve(dir).toString()));
            }
            Files.writeString(dovecot.dir().resolve("client-secret"), DemoRealm.MAIL_SECRET + "\n");

            // the trap: Debian's PAM passdb takes the system user's main password, no 2FA asked
            dovecot.start();
            assertTrue(MailWire.imapLogin(dovecot.imapPort(), "127.0.0.1", user, Users.PASSWORD).startsWith("a OK"),
                    "the stock configuration signs in with the main password");

            Commands.Result refused = setup(dovecot);
            assertEquals(2, refused.status(), refused.output());
            assertTrue(refused.output().contains(dovecot.stockConfigInside() + "/conf.d/auth-system.conf.ext line "),
                    "names the file and lines of PAM's passdb: " + refused.output());
            assertTrue(refused.output().contains("passdb pam"), refused.output());
            assertEquals(List.of(), backups(etc), "a refusal touches nothing");

            Commands.Result done = setup(dovecot, "--disable-other-passdbs");
            assertEquals(0, done.status(), done.output());
            assertTrue(done.output().contains("doveconf -n accepts"), done.output());
            assertEquals(1, backups(etc).size(), "one file touched, backed up: " + backups(etc));
            // the file Dovecot reads the secret from (2.3: the script's settings file; 2.4: the drop-in)
            String secretHolder = line == Line.V2_3 ? "keycloak-app-passwords.conf.ext" : "conf.d/95-keycloak-app-passwords.conf";
            assertEquals("root:dovecot 640", ownerAndMode(dovecot, etc.resolve(secretHolder)));
            assertEquals("root:root 600", ownerAndMode(dovecot, dovecot.dir().resolve("client-secret")));
            dovecot.restart();

            String address = "127.0.0.2";
            assertTrue(MailWire.imapLogin(dovecot.imapPort(), address, user, appPassword).startsWith("a OK"), "IMAP");
            assertTrue(MailWire.smtpAuthPlain(dovecot.submissionPort(), address, user, appPassword).startsWith("235"),
                    "SMTP AUTH on the submission service");
            assertTrue(MailWire.imapLogin(dovecot.imapPort(), address, user, Users.PASSWORD)
                    .startsWith("a NO [AUTHENTICATIONFAILED]"), "the system user's main password is refused");
            assertTrue(MailWire.smtpAuthPlain(dovecot.submissionPort(), address, user, Users.PASSWORD).startsWith("535"));

            Commands.Result authTest = dovecot.exec("doveadm", "-c", dovecot.stockConfigInside() + "/dovecot.conf",
                    "auth", "test", user, appPassword);
            assertEquals(0, authTest.status(), authTest.output());
            assertTrue(authTest.output().contains("auth succeeded"), authTest.output());
            AppPasswordAssertions.assertNoSecret(authTest.output(), appPassword);

            String subject = "Over LMTP " + line.version;
            // the bare name: Debian 12's LMTP keeps a domain, which userdb passwd does not know (TROUBLESHOOTING.md)
            String delivered = MailWire.lmtpDeliver(dovecot.lmtpPort(), user, subject);
            assertTrue(delivered.startsWith("250"), delivered + "\n" + dovecot.log());
            assertTrue(dovecot.maildir(user).stream().anyMatch(mail -> mail.contains("Subject: " + subject)),
                    "the message is in the user's Maildir");

            Map<String, String> before = snapshot(dovecot, etc);
            Commands.Result again = setup(dovecot, "--disable-other-passdbs");
            assertEquals(0, again.status(), again.output());
            assertTrue(again.output().contains("nothing to change"), again.output());
            assertEquals(before, snapshot(dovecot, etc), "a second run changes nothing");
            AppPasswordAssertions.assertNoSecret(dovecot.log(), appPassword);
        }
    }

    /** The script as an admin runs it on that system, with the demo realm's mail client. */
    private static Commands.Result setup(Dovecot dovecot, String... more) {
        String dir = dovecot.insidePath(dovecot.dir());
        List<String> command = new ArrayList<>(List.of("sh", dir + "/project/dovecot/" + SCRIPT,
                "--token-url", KeycloakServer.get().tokenEndpoint(), "--client-id", DemoRealm.MAIL,
                "--client-secret-file", dir + "/client-secret", "--etc", dovecot.stockConfigInside()));
        command.addAll(List.of(more));
        return dovecot.exec(command.toArray(String[]::new));
    }

    private static List<Path> backups(Path etc) throws IOException {
        try (Stream<Path> files = Files.walk(etc)) {
            return files.filter(f -> f.getFileName().toString().contains(".backup-")).toList();
        }
    }

    /** Every file under {@code etc}: owner, mode and content. */
    private static Map<String, String> snapshot(Dovecot dovecot, Path etc) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(etc)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(etc.relativize(f).toString(), ownerAndMode(dovecot, f) + "\n" + Files.readString(f));
            }
        }
        return files;
    }

    /** Owner, group and mode as that system names them (the Debian 13 root's groups are not this machine's). */
    private static String ownerAndMode(Dovecot dovecot, Path file) {
        return dovecot.exec("stat", "-c", "%U:%G %a", dovecot.insidePath(file)).output().strip();
    }

}
