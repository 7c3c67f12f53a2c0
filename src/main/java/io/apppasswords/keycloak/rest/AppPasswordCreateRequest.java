package io.apppasswords.keycloak.rest;

import java.util.List;

/** Body of {@code POST /realms/{realm}/app-passwords}; unknown fields are refused, not ignored. */
public class AppPasswordCreateRequest {

    public String name;
    /** ISO-8601 instant or {@code never}; absent: the realm's default lifetime. */
    public String expiresAt;
    /** Client ids the app password may sign in through, optional (any client when absent or empty). */
    public List<String> clients;
    /** Protocols it may sign in for (the ids of {@code AppPasswordProtocol}: imap, pop3, smtp, sieve, caldav, carddav, webdav); absent: any. */
    public List<String> protocols;
    /** CIDR networks ({@code 192.0.2.0/24}, {@code 2001:db8::/32}) it may sign in from; absent: the realm's default. */
    public List<String> networks;
}
