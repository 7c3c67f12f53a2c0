package io.apppasswords.keycloak.it;

import io.apppasswords.keycloak.it.Dovecot.Line;

/**
 * The demo's mail server: where Dovecot and dovecot-auth-lua are installed, a Dovecot on loopback with the
 * shipped Lua passdb against the demo's {@code mail-server} client, and a curl command that signs in over
 * IMAP with an app password. Debian 12's 2.3 if present, else the 2.4 root of {@code .ci/dovecot24-root.sh}.
 */
final class DemoMailServer {

    private DemoMailServer() {
    }

    static void startIfInstalled(KeycloakServer keycloak) {
        Line line = Dovecot.installed(Line.V2_3) ? Line.V2_3 : Dovecot.installed(Line.V2_4) ? Line.V2_4 : null;
        if (line == null) {
            System.out.println("  (No Dovecot with dovecot-auth-lua here, so no IMAP demo: apt-get install dovecot-imapd "
                    + "dovecot-submissiond dovecot-auth-lua, as root.)");
            return;
        }
        Dovecot dovecot = Dovecot.create(line, "demo").keycloakPassdb(keycloak.tokenEndpoint(), "mail-server", "mail-server-secret");
        Runtime.getRuntime().addShutdownHook(new Thread(dovecot::close, "demo-dovecot-close"));
        dovecot.start();
        System.out.printf("%n  %s with the shipped Lua passdb: IMAP on 127.0.0.1:%d (STARTTLS), SMTP submission on 127.0.0.1:%d%n"
                        + "  Sign in with an app password of bob's (create one in the account console first):%n"
                        + "    curl -sS --ssl-reqd --cacert %s -u 'bob:<app password>' imap://127.0.0.1:%d/INBOX -X 'EXAMINE INBOX'%n"
                        + "  bob-password instead: curl exits with 67 (login denied).%n",
                line, dovecot.imapPort(), dovecot.submissionPort(), dovecot.certificate(), dovecot.imapPort());
    }
}
