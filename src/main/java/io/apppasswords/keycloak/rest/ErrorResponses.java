package io.apppasswords.keycloak.rest;

import io.apppasswords.keycloak.credential.AppPasswordError;
import io.apppasswords.keycloak.credential.AppPasswordException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** OAuth-style JSON errors ({@code error}, {@code error_description}) for both REST APIs. */
final class ErrorResponses {

    /** The English texts of the shared message keys, read from the theme messages this JAR ships. */
    private static final Properties MESSAGES = load();

    private ErrorResponses() {
    }

    static WebApplicationException error(AppPasswordError error, String description) {
        return new WebApplicationException(Response.status(ErrorStatus.of(error))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", error.code(), "error_description", description))
                .build());
    }

    /** A refusal of the rules, described by the English text of its message, as the pages would show it. */
    static WebApplicationException refusal(AppPasswordException refusal) {
        String pattern = MESSAGES.getProperty(refusal.getError().messageKey(), refusal.getError().messageKey());
        Object[] parameters = refusal.getParameters();
        return error(refusal.getError(), parameters.length == 0 ? pattern
                : new MessageFormat(pattern, Locale.ENGLISH).format(parameters));
    }

    private static Properties load() {
        Properties messages = new Properties();
        try (InputStream in = ErrorResponses.class.getResourceAsStream("/theme-resources/messages/messages_en.properties")) {
            if (in != null) {
                messages.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }
}
