package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

/** The extension's theme messages as pages show them, to compare with what a browser reads out. */
public final class Messages {

    private Messages() {
    }

    /** {@code themes/messages/messages_<locale>.properties}. */
    public static Properties of(String locale) {
        Properties messages = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("themes/messages/messages_" + locale + ".properties"))) {
            messages.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }

    /** A message as the page shows it: MessageFormat, as Keycloak renders msg(). */
    public static String msg(Properties messages, String key, Object... parameters) {
        return new MessageFormat(messages.getProperty(key), Locale.ROOT).format(parameters);
    }
}
