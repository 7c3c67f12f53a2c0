package io.apppasswords.keycloak.credential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The protocols an app password can be limited to: the mail server's, and those of HTTP services behind a
 * reverse proxy's forward-auth hook. Their names ({@code imap}, {@code pop3}, {@code smtp}, {@code sieve},
 * {@code caldav}, {@code carddav}, {@code webdav}) are what the self-service API takes, the creation page
 * posts and the credential stores; {@link #label()} is how people read them, {@link #group()} how the page
 * sorts them.
 */
public enum AppPasswordProtocol {

    IMAP("imap", "IMAP", Group.MAIL),
    POP3("pop3", "POP3", Group.MAIL),
    SMTP("smtp", "SMTP", Group.MAIL),
    SIEVE("sieve", "Sieve", Group.MAIL),
    CALDAV("caldav", "CalDAV", Group.CALENDARS),
    CARDDAV("carddav", "CardDAV", Group.CONTACTS),
    WEBDAV("webdav", "WebDAV", Group.FILES);

    /** What the user syncs, in the order the creation page shows it; {@code id} names its message key. */
    public enum Group {
        MAIL("mail"), CALENDARS("calendars"), CONTACTS("contacts"), FILES("files");

        private final String id;

        Group(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private final String id;
    private final String label;
    private final Group group;

    AppPasswordProtocol(String id, String label, Group group) {
        this.id = id;
        this.label = label;
        this.group = group;
    }

    public String id() {
        return id;
    }

    /** The same in every language: these are the names the apps show. */
    public String label() {
        return label;
    }

    public Group group() {
        return group;
    }

    /** Every id, comma-separated, for the refusal of an unknown one. */
    public static String ids() {
        return Arrays.stream(values()).map(AppPasswordProtocol::id).collect(Collectors.joining(", "));
    }

    /** The protocol named {@code id} (any letter case), or {@code null}. */
    public static AppPasswordProtocol of(String id) {
        if (id == null) {
            return null;
        }
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        for (AppPasswordProtocol protocol : values()) {
            if (protocol.id.equals(wanted)) {
                return protocol;
            }
        }
        return null;
    }

    /**
     * The stored limit for the requested protocols: {@code null} (any protocol, through any client) when none
     * were asked for or all of them were, else their ids in this enum's order.
     *
     * @throws AppPasswordException for an unknown name, or a list that names no protocol at all (such an app
     *                              password could never be used; an empty list is a mistake, not "any")
     */
    public static List<String> limit(List<String> requested) {
        if (requested == null) {
            return null;
        }
        Set<AppPasswordProtocol> chosen = EnumSet.noneOf(AppPasswordProtocol.class);
        for (String id : requested) {
            AppPasswordProtocol protocol = of(id);
            if (protocol == null) {
                throw new AppPasswordException(AppPasswordError.PROTOCOL_UNKNOWN, ids());
            }
            chosen.add(protocol);
        }
        if (chosen.isEmpty()) {
            throw new AppPasswordException(AppPasswordError.PROTOCOLS_NONE);
        }
        if (chosen.size() == values().length) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        chosen.forEach(p -> ids.add(p.id));
        return List.copyOf(ids);
    }
}
