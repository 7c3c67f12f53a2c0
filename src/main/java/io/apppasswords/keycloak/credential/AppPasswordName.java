package io.apppasswords.keycloak.credential;

import org.keycloak.credential.CredentialModel;

import java.util.Locale;
import java.util.stream.Stream;

/** The rules for an app password's name (stored as the credential's user label). */
public final class AppPasswordName {

    public static final int MAX_LENGTH = 64;

    private AppPasswordName() {
    }

    /** Trims the name; {@code null} stays {@code null}. */
    public static String clean(String name) {
        return name == null ? null : name.strip();
    }

    /**
     * Checks a cleaned name on its own; returns what is wrong with it, or {@code null} if it is fine.
     * Control characters are refused: a name ends up in logs, events and e-mails.
     */
    public static AppPasswordError validate(String cleaned) {
        if (cleaned == null || cleaned.isEmpty()) {
            return AppPasswordError.NAME_MISSING;
        }
        if (cleaned.codePointCount(0, cleaned.length()) > MAX_LENGTH) {
            return AppPasswordError.NAME_TOO_LONG;
        }
        if (cleaned.codePoints().anyMatch(cp -> Character.isISOControl(cp)
                || Character.getType(cp) == Character.FORMAT
                || Character.getType(cp) == Character.LINE_SEPARATOR
                || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR)) {
            return AppPasswordError.NAME_INVALID;
        }
        return null;
    }

    /** Names are unique per user, ignoring case. */
    public static boolean isTaken(String cleaned, Stream<String> existingNames) {
        String key = cleaned.toLowerCase(Locale.ROOT);
        return existingNames.anyMatch(n -> n != null && n.strip().toLowerCase(Locale.ROOT).equals(key));
    }

    /**
     * What a cleaned name clashes with among all of a user's stored credentials, or {@code null}: another app
     * password, or a credential of another type (an OTP device, a security key) with that label. Keycloak's
     * store for users of a directory without import refuses equal labels across types, so a name is kept
     * apart from every label in every storage mode, and the user is told which kind of name it is.
     */
    public static AppPasswordError clash(String cleaned, Stream<CredentialModel> stored) {
        AppPasswordError found = null;
        for (CredentialModel c : (Iterable<CredentialModel>) stored::iterator) {
            if (isTaken(cleaned, Stream.of(c.getUserLabel()))) {
                if (AppPasswordCredentialModel.TYPE.equals(c.getType())) {
                    return AppPasswordError.NAME_DUPLICATE;
                }
                found = AppPasswordError.NAME_USED_BY_OTHER_CREDENTIAL;
            }
        }
        return found;
    }
}
