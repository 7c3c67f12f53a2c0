package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordError;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.theme.Theme;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

/**
 * The text of a refusal as the REST APIs and the token endpoint describe it ({@code error_description}), in
 * the caller's language. The language is Keycloak's choice ({@code KeycloakContext.resolveLocale}): the
 * user's own when the caller is known, else the request's {@code Accept-Language}, else the realm's default,
 * else English (always English where the realm has internationalization off). The texts are the theme
 * messages this JAR ships, with the realm's own overrides (Realm settings, Localization), formatted as the
 * pages format them.
 */
public final class RefusalText {

    private static final Logger LOG = Logger.getLogger(RefusalText.class);
    private static final String ENGLISH_MESSAGES = "/theme-resources/messages/messages_en.properties";
    /** The English texts, for when the theme cannot be read. */
    private static final Properties ENGLISH = load();

    private RefusalText() {
    }

    /** {@code error}'s message in the caller's language, its {@code {0}}, {@code {1}}... filled from {@code parameters}. */
    public static String of(KeycloakSession session, UserModel user, AppPasswordError error, Object... parameters) {
        Locale locale = session.getContext().resolveLocale(user);
        String pattern = messages(session, locale).getProperty(error.messageKey());
        if (pattern == null) {
            locale = Locale.ENGLISH;
            pattern = ENGLISH.getProperty(error.messageKey(), error.messageKey());
        }
        return new MessageFormat(pattern, locale).format(parameters);
    }

    private static Properties messages(KeycloakSession session, Locale locale) {
        try {
            return session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(session.getContext().getRealm(), locale);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Theme messages for %s unreadable, answering in English: %s", locale, e);
            return new Properties();
        }
    }

    private static Properties load() {
        Properties messages = new Properties();
        try (InputStream in = RefusalText.class.getResourceAsStream(ENGLISH_MESSAGES)) {
            if (in != null) {
                messages.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }
}
