package io.apppasswords.keycloak.rest;

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

    static WebApplicationException error(Response.Status status, String error, String description) {
        return new WebApplicationException(response(status, error, description));
    }

    static Response response(Response.Status status, String error, String description) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", error, "error_description", description))
                .build();
    }

    /** The English text of a theme message key, the key itself if there is none. */
    static String text(String messageKey) {
        return MESSAGES.getProperty(messageKey, messageKey);
    }

    /** The same with its {@code {0}}... parameters filled in, as the theme would. */
    static String text(String messageKey, Object... parameters) {
        String pattern = text(messageKey);
        return parameters == null || parameters.length == 0 ? pattern : new MessageFormat(pattern, Locale.ENGLISH).format(parameters);
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
