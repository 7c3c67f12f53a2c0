package io.apppasswords.keycloak.policy;

import org.keycloak.models.Constants;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.apppasswords.keycloak.policy.Setting.Source.AUTHENTICATOR;
import static io.apppasswords.keycloak.policy.Setting.Source.REALM_POLICY;
import static io.apppasswords.keycloak.policy.Setting.Source.SERVER_OPTION;

/**
 * Every setting of this extension, each once: where it is kept, its default and range, and its admin-console
 * field. A new setting is one more entry here ({@code add(Setting.…)}); the admin console's forms
 * ({@link RealmPolicy#CONFIG}, the authenticator's, the server option's metadata), the checks when an admin
 * saves, and the docs are all made from this list. Values are read through one reader per source:
 * {@link RealmPolicy#settings}, the authenticator's settings, the server options' scope, each a
 * {@link SettingValues}.
 */
public final class Settings {

    /** In declaration order; must come before the entries, which add themselves while the class initialises. */
    private static final List<Setting<?>> ALL = new ArrayList<>();

    /** Microsoft's limit. Also bounds the work of one login: every stored digest is compared. */
    public static final int DEFAULT_MAX_PER_USER = 40;
    public static final int LIMIT_MAX_PER_USER = 1000;
    private static final int LIMIT_DAYS = AppPasswordPolicy.LIMIT_DAYS;

    // The realm's policy: the app-password required action's config.

    /**
     * Keycloak's own setting of every required action, {@code max_auth_age}: its admin-console field is
     * Keycloak's, which also checks it when saved. Read here for the REST API, where no authentication
     * session exists to ask.
     */
    public static final Setting<Integer> MAX_AUTH_AGE = add(Setting.integer(REALM_POLICY, Constants.MAX_AUTH_AGE_KEY,
            Constants.KC_ACTION_MAX_AGE, 0, Integer.MAX_VALUE, "Maximum age of authentication",
            "Seconds since the last login within which a user may create an app password."));
    public static final Setting<List<String>> ALLOWED_GROUPS = add(Setting.list(REALM_POLICY, "allowedGroups",
            "Groups that may create app passwords",
            "Group paths, e.g. /staff. Members (also of subgroups) may create app passwords. "
                    + "Leave this and the roles empty to let everyone create them."));
    public static final Setting<List<String>> ALLOWED_ROLES = add(Setting.list(REALM_POLICY, "allowedRoles",
            "Roles that may create app passwords",
            "Realm role names, or client roles as client-id.role. Holders (also through groups and "
                    + "composite roles) may create app passwords."));
    public static final Setting<Boolean> REQUIRE_SECOND_FACTOR = add(Setting.bool(REALM_POLICY, "requireSecondFactor",
            true, "Require a second factor",
            "Users must have an OTP authenticator, a security key or a passkey before they can "
                    + "create an app password."));
    public static final Setting<Integer> MAX_PER_USER = add(Setting.integer(REALM_POLICY, "maxPerUser",
            DEFAULT_MAX_PER_USER, 1, LIMIT_MAX_PER_USER, "Maximum app passwords per user",
            "Creating one more is refused. Between 1 and " + LIMIT_MAX_PER_USER + "."));
    public static final Setting<Integer> DEFAULT_LIFETIME_DAYS = add(Setting.integer(REALM_POLICY,
            "defaultLifetimeDays", 0, 0, LIMIT_DAYS, "Default lifetime (days)",
            "Expiry given to an app password created without one. 0: never expires."));
    public static final Setting<Integer> MAX_LIFETIME_DAYS = add(Setting.integer(REALM_POLICY, "maxLifetimeDays",
            0, 0, LIMIT_DAYS, "Maximum lifetime (days)",
            "Longest lifetime a user may choose. 0: no maximum (never expiring is allowed)."));
    public static final Setting<List<String>> ALLOWED_CLIENTS = add(Setting.list(REALM_POLICY, "allowedClients",
            "Clients to restrict to",
            "Client ids (e.g. the mail server's) a user may restrict an app password to when "
                    + "creating it. Empty: the creation page offers no restriction."));
    public static final Setting<Boolean> REVOKE_ON_PASSWORD_CHANGE = add(Setting.bool(REALM_POLICY,
            "revokeOnPasswordChange", true, "Revoke on password change",
            "Delete all of a user's app passwords when the password is changed or reset, by the user or an admin."));
    public static final Setting<Boolean> REVOKE_ON_SECOND_FACTOR_REMOVAL = add(Setting.bool(REALM_POLICY,
            "revokeOnSecondFactorRemoval", true, "Revoke when the second factor goes",
            "With a second factor required: delete all of a user's app passwords when the user's "
                    + "last second factor is removed."));
    public static final Setting<Integer> EXPIRED_GRACE_DAYS = add(Setting.integer(REALM_POLICY, "expiredGraceDays",
            30, 0, LIMIT_DAYS, "Keep expired app passwords (days)",
            "Expired app passwords stay visible (as expired) this long, then a periodic clean-up "
                    + "deletes them. 0: at the next clean-up."));
    /** How long an ended app password is still recognised: old devices retry for weeks. */
    public static final Setting<Integer> ENDED_RETENTION_DAYS = add(Setting.integer(REALM_POLICY,
            "endedRetentionDays", 90, 0, LIMIT_DAYS, "Remember ended app passwords (days)",
            "A deleted, revoked or expired app password that an old device still sends is refused "
                    + "without counting towards the brute-force lockout, and the user is told by e-mail, for "
                    + "this long after it ended (its digest is kept, the newest " + AppPasswordPolicy.MAX_REMEMBERED_PER_USER
                    + " per user). 0: off."));
    /** The user attribute holding when a directory last changed the password; {@code null}: none. */
    public static final Setting<String> PASSWORD_CHANGED_ATTRIBUTE = add(Setting.string(REALM_POLICY,
            "passwordChangedAttribute", null, "Directory password-change attribute",
            "For users from LDAP or Active Directory: the user attribute, mapped from the directory "
                    + "with \"Always read value from LDAP\", that says when the password was last changed there "
                    + "(OpenLDAP: pwdChangedTime, Active Directory: pwdLastSet). With revocation on password "
                    + "change, older app passwords are then refused and deleted. Empty: not used."));
    public static final Setting<Integer> REVOKE_UNUSED_DAYS = add(Setting.integer(REALM_POLICY, "revokeUnusedDays",
            0, 0, LIMIT_DAYS, "Revoke when unused (days)",
            "A periodic clean-up deletes app passwords not used (or, never used, created) for this "
                    + "many days. 0: never. GitHub and Nextcloud use 365."));
    public static final Setting<Integer> WARN_DAYS_BEFORE = add(Setting.integer(REALM_POLICY, "warnDaysBefore",
            14, 0, LIMIT_DAYS, "Warn before (days)",
            "E-mail users this many days before an app password expires or is revoked as unused, "
                    + "once per app password. 0: no warnings. Needs the realm's e-mail settings."));

    // Device set-up (docs/DEVICE-SETUP.md): the servers the shown-once page sets devices up with. Without both
    // hosts it offers nothing; DeviceSettings holds the rules that span several of these.

    public static final Setting<String> IMAP_HOST = add(Setting.of(REALM_POLICY, "imapHost", Setting.Type.STRING, null,
            DeviceSettings::host, "Device set-up: IMAP server",
            "Host name mail apps connect to for incoming mail. With the SMTP server set, the page that shows a new "
                    + "app password offers an Apple configuration profile, a QR code for phones and a table of "
                    + "settings for other apps. Empty: none of these."));
    public static final Setting<Integer> IMAP_PORT = add(Setting.integer(REALM_POLICY, "imapPort", 0, 0, 65535,
            "Device set-up: IMAP port", "Empty or 0: 993 with ssl, 143 with starttls."));
    public static final Setting<DeviceSettings.Security> IMAP_SECURITY = add(Setting.of(REALM_POLICY, "imapSecurity",
            Setting.Type.STRING, DeviceSettings.Security.SSL, DeviceSettings.Security::parse,
            "Device set-up: IMAP security", "ssl (TLS from the first byte) or starttls. Empty: ssl."));
    public static final Setting<String> SMTP_HOST = add(Setting.of(REALM_POLICY, "smtpHost", Setting.Type.STRING, null,
            DeviceSettings::host, "Device set-up: SMTP server", "Host name mail apps submit mail to."));
    public static final Setting<Integer> SMTP_PORT = add(Setting.integer(REALM_POLICY, "smtpPort", 0, 0, 65535,
            "Device set-up: SMTP port", "Empty or 0: 465 with ssl, 587 with starttls."));
    public static final Setting<DeviceSettings.Security> SMTP_SECURITY = add(Setting.of(REALM_POLICY, "smtpSecurity",
            Setting.Type.STRING, DeviceSettings.Security.STARTTLS, DeviceSettings.Security::parse,
            "Device set-up: SMTP security", "ssl (TLS from the first byte) or starttls. Empty: starttls."));
    public static final Setting<URI> CALDAV_URL = add(Setting.of(REALM_POLICY, "caldavUrl", Setting.Type.STRING, null,
            DeviceSettings::url, "Device set-up: CalDAV address",
            "https:// address of the calendar server, e.g. https://dav.example.org/. Empty: no calendar account."));
    public static final Setting<URI> CARDDAV_URL = add(Setting.of(REALM_POLICY, "carddavUrl", Setting.Type.STRING, null,
            DeviceSettings::url, "Device set-up: CardDAV address",
            "https:// address of the contacts server. Empty: no contacts account."));
    public static final Setting<String> ORGANIZATION = add(Setting.of(REALM_POLICY, "organization", Setting.Type.STRING,
            null, DeviceSettings::organization, "Device set-up: organization",
            "Shown as the profile's organization and in the accounts' description (at most "
                    + DeviceSettings.MAX_ORGANIZATION + " characters). Empty: the realm's name."));

    // Live revocation (docs/LIVE-REVOCATION.md): the Dovecots told when an app password ends.

    public static final Setting<List<URI>> DOVEADM_URLS = add(Setting.of(REALM_POLICY, "doveadmUrls",
            Setting.Type.STRING, List.of(), DoveadmSettings::urls, "Dovecot doveadm API URLs",
            "Base URLs of each Dovecot's doveadm HTTP API (e.g. https://mail1.internal:8080/doveadm/v1), or "
                    + "doveadm://host:port for doveadm's TCP listener (needed to flush Dovecot 2.4's auth cache), "
                    + "separated by commas or spaces. When an app password ends, each one flushes the user's auth "
                    + "cache and disconnects the sessions that signed in with it. Empty: off."));
    public static final Setting<String> DOVEADM_API_KEY = add(Setting.secret(REALM_POLICY, "doveadmApiKey",
            "Dovecot doveadm API key",
            "Dovecot's doveadm_api_key (doveadm_password for doveadm:// URLs), or better a vault reference such as "
                    + "${vault.doveadm-api-key}."));

    // Guessing over the mail server (issue 23): read through AttackPolicy.

    public static final Setting<Integer> MAIL_FAILURES_PER_IP = add(Setting.integer(REALM_POLICY, "mailFailuresPerIp",
            20, 0, 1000, "Wrong app passwords per IP",
            "After this many distinct wrong values from one IP address within the window, that address is refused "
                    + "at once, for every user, except app passwords that already signed in from it. Wrong app "
                    + "passwords never lock the user. The address is the mail app's as a trusted mail server "
                    + "forwards it, never the mail server's own. 0: off."));
    /** How long a wrong value counts, and a throttled source stays refused: 15 minutes, shorter in tests. */
    public static final Setting<Integer> MAIL_FAILURE_WINDOW_SECONDS = add(Setting.integer(REALM_POLICY,
            "mailFailureWindowSeconds", 900, 1, 86400, "Wrong-app-password window (seconds)",
            "How long a wrong value counts against its IP address, and how long a throttled address stays refused."));
    public static final Setting<Boolean> LOCKOUT_STOPS_APP_PASSWORDS = add(Setting.bool(REALM_POLICY,
            "lockoutStopsAppPasswords", false, "Temporary lockout stops app passwords",
            "Off: while someone guessing the main password has the user temporarily locked out, the user's mail "
                    + "apps keep signing in. A permanent lockout, a disabled user and a revoked app password "
                    + "always stop it, and so does a temporary lockout on Keycloak before 26.7 (there any "
                    + "successful login would lift it)."));
    public static final Setting<List<String>> DEFAULT_NETWORKS = add(Setting.of(REALM_POLICY, "defaultNetworks",
            Setting.Type.LIST, List.of(), AttackPolicy::networks, "Default networks",
            "CIDR networks (e.g. 192.0.2.0/24, 2001:db8::/32) a new app password is tied to when its creator "
                    + "names none."));
    public static final Setting<Boolean> REQUIRE_NETWORKS = add(Setting.bool(REALM_POLICY, "requireNetworks", false,
            "Require networks",
            "Refuse to create an app password usable from anywhere: it needs networks of its own or the default "
                    + "networks."));

    // The direct-grant step: each execution's config.

    public static final Setting<Boolean> TRANSIENT_SESSION = add(Setting.bool(AUTHENTICATOR, "transientSession", true,
            "Transient sessions",
            "Do not store a user session for app-password logins (like Docker and SAML ECP logins). "
                    + "Mail servers log in constantly and never need one; with it on, no refresh token is usable "
                    + "and introspection reports the token inactive."));
    public static final Setting<Integer> LAST_USE_INTERVAL_SECONDS = add(Setting.integer(AUTHENTICATOR,
            "lastUseIntervalSeconds", 3600, 0, Integer.MAX_VALUE, "Last-use granularity (seconds)",
            "Record an app password's last use at most once per this many seconds. Every record "
                    + "rewrites the credential and evicts the user from every node's cache."));
    public static final Setting<List<String>> TRUSTED_FORWARDERS = add(Setting.list(AUTHENTICATOR,
            "trustedForwarderClients", "Clients trusted to forward the user's IP and service",
            "Confidential clients (e.g. the mail server, the reverse proxy of calendars and files) whose "
                    + "forwarded-IP header is recorded as an app password's last-use IP instead of the client's own "
                    + "address, and whose service header says which protocol a login is for (a proxy's forward-auth "
                    + "check: X-Forwarded-For and X-Forward-Auth-Service). Ignored for public clients. An app "
                    + "password limited to protocols works only through these clients, when they name an allowed "
                    + "protocol."));
    /** What Dovecot sends with {@code send_auth_headers = yes}: the mail client's address. */
    public static final Setting<String> FORWARDED_IP_HEADER = add(Setting.string(AUTHENTICATOR, "forwardedIpHeader",
            "X-Dovecot-Auth-Remote", "Forwarded-IP header",
            "Request header holding the end user's IP, sent by a trusted client. Dovecot sends "
                    + "X-Dovecot-Auth-Remote with send_auth_headers = yes."));
    /** What Dovecot sends with {@code send_auth_headers = yes}: the service the login is for (imap, smtp...). */
    public static final Setting<String> SERVICE_HEADER = add(Setting.string(AUTHENTICATOR, "serviceHeader",
            "X-Dovecot-Auth-Service", "Service header",
            "Request header naming the mail service a login is for, sent by a trusted client: imap, pop3, "
                    + "submission or smtp, sieve or managesieve. Dovecot sends X-Dovecot-Auth-Service with "
                    + "send_auth_headers = yes."));

    // The server's options, in the credential provider's scope.

    public static final Setting<Integer> CLEANUP_INTERVAL_SECONDS = add(Setting.integer(SERVER_OPTION,
            "cleanupIntervalSeconds", 900, 1, Integer.MAX_VALUE / 1000, "Clean-up interval (seconds)",
            "Seconds between two runs of the clean-up of app passwords (expiry, unused ones, warnings, "
                    + "records of ended ones)."));

    private Settings() {
    }

    /** Every setting, in the order of this class. */
    public static List<Setting<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The settings kept in {@code source}, in the order of this class. */
    public static List<Setting<?>> of(Setting.Source source) {
        return ALL.stream().filter(s -> s.source() == source).toList();
    }

    private static <T> Setting<T> add(Setting<T> setting) {
        if (ALL.stream().anyMatch(s -> s.source() == setting.source() && s.key().equals(setting.key()))) {
            throw new IllegalStateException("setting " + setting + " twice");
        }
        ALL.add(setting);
        return setting;
    }
}
