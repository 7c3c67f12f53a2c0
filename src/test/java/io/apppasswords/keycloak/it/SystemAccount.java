package io.apppasswords.keycloak.it;

/**
 * A throw-away system account with a password on a {@link Dovecot}'s system (useradd in the Debian 13 root for
 * 2.4), its home in the instance's directory: what PAM and {@code userdb passwd} of a stock Dovecot see. Removed
 * with its home by {@link #close()}.
 */
public final class SystemAccount implements AutoCloseable {

    private final Dovecot dovecot;
    private final String name;

    private SystemAccount(Dovecot dovecot, String name) {
        this.dovecot = dovecot;
        this.name = name;
    }

    public static SystemAccount create(Dovecot dovecot, String name, String password) {
        String homes = dovecot.insidePath(dovecot.dir().resolve("home"));
        check(dovecot.exec("mkdir", "-p", homes));
        check(dovecot.exec("useradd", "--create-home", "--home-dir", homes + "/" + name, "--shell", "/usr/sbin/nologin", name));
        SystemAccount account = new SystemAccount(dovecot, name);
        check(dovecot.exec("sh", "-c", "printf '%s:%s\\n' \"$0\" \"$1\" | chpasswd", name, password));
        return account;
    }

    private static void check(Commands.Result output) {
        if (output.status() != 0) {
            throw new IllegalStateException(output.output());
        }
    }

    @Override
    public void close() {
        dovecot.exec("userdel", "--remove", name);
    }
}
