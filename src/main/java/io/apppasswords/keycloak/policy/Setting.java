package io.apppasswords.keycloak.policy;

import org.jboss.logging.Logger;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One setting an admin can make: where it is kept, its key, its documented default and range, and the words
 * of its admin-console form. Every setting is one entry of {@link Settings}; a value is read only through
 * {@link #read}, so every source follows the same rules: absent or blank is the default, and a value that is
 * not of the type or out of the range is the default too, logged once per scope and key (the admin console
 * refuses such a value when it is saved, see {@link #problem}, but realm imports and the server's options do
 * not).
 *
 * @param <T> what the value is once read
 */
public final class Setting<T> {

    /** Where a setting is kept. */
    public enum Source {
        /** The {@code app-password} required action's config: the realm's policy ({@link RealmPolicy}). */
        REALM_POLICY,
        /** The config of an execution of the direct-grant step {@code direct-grant-validate-app-password}. */
        AUTHENTICATOR,
        /** A server option, {@code --spi-credential--app-password--<key>} (kebab case on the command line). */
        SERVER_OPTION
    }

    /** The kinds of value; each names the admin console's field type. */
    public enum Type {
        BOOLEAN(ProviderConfigProperty.BOOLEAN_TYPE),
        INTEGER(ProviderConfigProperty.INTEGER_TYPE),
        STRING(ProviderConfigProperty.STRING_TYPE),
        /** Several values; the admin console joins them with {@value Setting#DELIMITER}. */
        LIST(ProviderConfigProperty.MULTIVALUED_STRING_TYPE),
        /** A string the admin console masks. */
        SECRET(ProviderConfigProperty.PASSWORD);

        private final String formType;

        Type(String formType) {
            this.formType = formType;
        }
    }

    /** The separator the admin console uses between the values of a multivalued setting. */
    public static final String DELIMITER = "##";

    private static final Logger LOG = Logger.getLogger(Setting.class);
    /** Scope and key of every unreadable value already logged; bounded so a flood of realms cannot grow it. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    private static final int MAX_LOGGED = 10_000;

    private final Source source;
    private final String key;
    private final Type type;
    private final T defaultValue;
    private final int min;
    private final int max;
    private final Function<String, T> parser;
    private final String label;
    private final String help;

    private Setting(Source source, String key, Type type, T defaultValue, int min, int max,
                    Function<String, T> parser, String label, String help) {
        this.source = source;
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.parser = parser;
        this.label = label;
        this.help = help;
    }

    /** {@code true} or {@code false}, in any case. */
    public static Setting<Boolean> bool(Source source, String key, boolean defaultValue, String label, String help) {
        return new Setting<>(source, key, Type.BOOLEAN, defaultValue, 0, 0, Setting::parseBoolean, label, help);
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Setting<Integer> integer(Source source, String key, int defaultValue, int min, int max,
                                           String label, String help) {
        if (defaultValue < min || defaultValue > max) {
            throw new IllegalArgumentException(key + ": default out of its own range");
        }
        return new Setting<>(source, key, Type.INTEGER, defaultValue, min, max, v -> {
            int parsed = Integer.parseInt(v);
            if (parsed < min || parsed > max) {
                throw new OutOfRange();
            }
            return parsed;
        }, label, help);
    }

    /** Text, stripped; {@code defaultValue} may be {@code null} (not set). */
    public static Setting<String> string(Source source, String key, String defaultValue, String label, String help) {
        return new Setting<>(source, key, Type.STRING, defaultValue, 0, 0, v -> v, label, help);
    }

    /** Text the admin console masks (an API key); never logged. */
    public static Setting<String> secret(Source source, String key, String label, String help) {
        return new Setting<>(source, key, Type.SECRET, null, 0, 0, v -> v, label, help);
    }

    /** Values separated by {@value #DELIMITER}, each stripped, empty ones and repeats dropped; default none. */
    public static Setting<List<String>> list(Source source, String key, String label, String help) {
        return new Setting<>(source, key, Type.LIST, List.of(), 0, 0, v -> Arrays.stream(v.split(DELIMITER))
                .map(String::strip).filter(s -> !s.isEmpty()).distinct().toList(), label, help);
    }

    /**
     * A setting whose values need a check of their own (an address, a URL): {@code parser} gets the stripped,
     * non-blank value and throws {@link IllegalArgumentException} for one it cannot take.
     */
    public static <T> Setting<T> of(Source source, String key, Type type, T defaultValue, Function<String, T> parser,
                                    String label, String help) {
        return new Setting<>(source, key, type, defaultValue, 0, 0, parser, label, help);
    }

    /**
     * The value of this setting given its raw text ({@code null} if unset); the default when it is blank or
     * unreadable. {@code scope} names where it was read (a realm, an authenticator config) for the log line.
     */
    public T read(String raw, String scope) {
        String value = raw == null || raw.isBlank() ? null : raw.strip();
        if (value == null) {
            return defaultValue;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            String logged = source + "|" + scope + "|" + key;
            if (LOGGED.size() < MAX_LOGGED && LOGGED.add(logged)) {
                LOG.warnf("%s: setting %s is not %s; using its default %s", scope, key, expected(), defaultValue);
            }
            return defaultValue;
        }
    }

    /** What is wrong with a value an admin saves; {@code null} if nothing (blank is fine: the default). */
    public PolicyProblem problem(String raw) {
        String value = raw == null || raw.isBlank() ? null : raw.strip();
        if (value == null) {
            return null;
        }
        try {
            parser.apply(value);
            return null;
        } catch (OutOfRange e) {
            return new PolicyProblem(key, PolicyProblem.OUT_OF_RANGE, min, max);
        } catch (NumberFormatException e) {
            return new PolicyProblem(key, PolicyProblem.NOT_A_NUMBER);
        } catch (IllegalArgumentException e) {
            return new PolicyProblem(key, PolicyProblem.INVALID_VALUE);
        }
    }

    /** The admin console's field for it. */
    public ProviderConfigProperty property() {
        ProviderConfigProperty property = new ProviderConfigProperty(key, label, help, type.formType,
                defaultValue == null || type == Type.LIST ? null : String.valueOf(defaultValue));
        property.setSecret(type == Type.SECRET);
        return property;
    }

    /** A number outside an {@link #integer} setting's range. */
    private static final class OutOfRange extends IllegalArgumentException {
        OutOfRange() {
            super("out of range", null);
        }
    }

    private String expected() {
        return switch (type) {
            case BOOLEAN -> "true or false";
            case INTEGER -> min == max ? "a value it accepts" : "a whole number from " + min + " to " + max;
            default -> "a value it accepts";
        };
    }

    private static Boolean parseBoolean(String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean");
    }

    public Source source() {
        return source;
    }

    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    /** The documented default: what an unset, blank or unreadable value means. */
    public T defaultValue() {
        return defaultValue;
    }

    /** The smallest value an {@link Type#INTEGER} setting takes. */
    public int min() {
        return min;
    }

    /** The largest value an {@link Type#INTEGER} setting takes. */
    public int max() {
        return max;
    }

    public String label() {
        return label;
    }

    public String help() {
        return help;
    }

    @Override
    public String toString() {
        return source + ":" + key;
    }
}
