package io.apppasswords.keycloak.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The requests of Dovecot's doveadm HTTP API that end sessions, and how to read its answers. Measured: 2.3.19
 * and 2.4.1 both take {@code kick}; only 2.4's has {@code passdbField}; 2.4.1's {@code authCacheFlush} with a
 * user crashes its doveadm server (an assertion in doveadm-cmd-parse.c), so 2.4 is never sent one here (its
 * cache is flushed over doveadm's TCP protocol, {@link DoveadmProtocol}).
 */
final class Doveadm {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** sysexits' EX_NOUSER: {@code kick} found no session to end, which is no failure. */
    private static final int NO_SESSION = 68;

    private Doveadm() {
    }

    /**
     * Every session of the user; on 2.3 also its auth-cache entries.
     *
     * @param cacheKeys the names the user's cache entries may be under (user name, e-mail)
     */
    static String endUser(String username, List<String> cacheKeys, boolean dovecot24) {
        ArrayNode batch = JSON.createArrayNode();
        if (!dovecot24) {
            flush(batch, cacheKeys);
        }
        kick(batch, "kick", null, username);
        return batch.toString();
    }

    /**
     * The sessions of some of the user's app passwords: on 2.4 by the passdb field carrying the app password's
     * id; on 2.3 the user's sessions from each address they were last used from, after flushing the user's
     * auth-cache entries.
     *
     * @param appPasswords id to the address it was last used from ({@code null}: never used)
     */
    static String endAppPasswords(String username, List<String> cacheKeys, Map<String, String> appPasswords,
                                  boolean dovecot24) {
        ArrayNode batch = JSON.createArrayNode();
        int n = 0;
        if (dovecot24) {
            for (String id : appPasswords.keySet()) {
                kick(batch, "kick-" + n++, MailServerSessions.SESSION_FIELD, id);
            }
            return batch.toString();
        }
        flush(batch, cacheKeys);
        Set<String> addresses = new LinkedHashSet<>(appPasswords.values());
        addresses.removeIf(Objects::isNull);
        for (String ip : addresses) {
            kick(batch, "kick-" + n++, null, username, ip);
        }
        return batch.toString();
    }

    /** Whether the API's command list (its answer to GET) has a kick by passdb field: Dovecot 2.4. */
    static boolean kickKnowsPassdbField(String commandList) {
        for (JsonNode command : read(commandList)) {
            if ("kick".equals(command.path("command").asText())) {
                for (JsonNode parameter : command.path("parameters")) {
                    if ("passdbField".equals(parameter.path("name").asText())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The first command that failed in a batch's answer, described; {@code null} if none did. */
    static String firstError(String answer) {
        for (JsonNode reply : read(answer)) {
            if (!"error".equals(reply.path(0).asText())) {
                continue;
            }
            JsonNode error = reply.path(1);
            String tag = reply.path(2).asText();
            if (tag.startsWith("kick") && error.path("exitCode").asInt() == NO_SESSION) {
                continue;
            }
            return tag + " failed: " + error;
        }
        return null;
    }

    private static void flush(ArrayNode batch, List<String> cacheKeys) {
        ObjectNode parameters = JSON.createObjectNode();
        ArrayNode users = parameters.putArray("user");
        cacheKeys.forEach(users::add);
        batch.addArray().add("authCacheFlush").add(parameters).add("flush");
    }

    private static void kick(ArrayNode batch, String tag, String passdbField, String... mask) {
        ObjectNode parameters = JSON.createObjectNode();
        if (passdbField != null) {
            parameters.put("passdbField", passdbField);
        }
        ArrayNode masks = parameters.putArray("mask");
        for (String m : mask) {
            masks.add(m);
        }
        batch.addArray().add("kick").add(parameters).add(tag);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("doveadm answered something that is not JSON", e);
        }
    }
}
