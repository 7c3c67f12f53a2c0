package io.apppasswords.keycloak.credential;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The mail protocols an app password can be limited to. Their names ({@code imap}, {@code pop3},
 * {@code smtp}, {@code sieve}) are what the self-service API takes, the creation page posts and the
 * credential stores; {@link #label()} is how people read them.
 */
public enum AppPasswordProtocol {

    IMAP("imap", "IMAP"),
    POP3("pop3", "POP3"),
    SMTP("smtp", "SMTP"),
    SIEVE("sieve", "Sieve");

    private final String id;
    private final String label;

    AppPasswordProtocol(String id, String label) {
        this.id = id;
        this.label = label;
    }

    public String id() {
        return id;
    }

    /** The same in every language: these are the names mail apps show. */
    public String label() {
        return label;
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
                throw new AppPasswordException(AppPasswordError.PROTOCOL_UNKNOWN);
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
