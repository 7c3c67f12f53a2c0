package io.apppasswords.keycloak.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The raw values of one source of {@link Settings} (a realm's policy, one authenticator config, the server's
 * options), read through the one set of rules of {@link Setting#read}.
 */
public final class SettingValues {

    private final Setting.Source source;
    private final String scope;
    private final Function<String, String> raw;

    private SettingValues(Setting.Source source, String scope, Function<String, String> raw) {
        this.source = source;
        this.scope = scope;
        this.raw = raw;
    }

    /**
     * @param scope where they come from, for the log line of an unreadable value (a realm's name, an
     *              authenticator config's alias)
     */
    public static SettingValues of(Setting.Source source, String scope, Map<String, String> values) {
        Map<String, String> map = values == null ? Map.of() : values;
        return new SettingValues(source, scope, map::get);
    }

    /** Values looked up one key at a time (a server option scope). */
    public static SettingValues of(Setting.Source source, String scope, Function<String, String> values) {
        return new SettingValues(source, scope, Objects.requireNonNull(values));
    }

    /** The setting's value here; its default when unset, blank or unreadable. */
    public <T> T get(Setting<T> setting) {
        if (setting.source() != source) {
            throw new IllegalArgumentException(setting + " is not kept in " + source);
        }
        return setting.read(raw.apply(setting.key()), scope);
    }

    /** What is wrong with these values as an admin saves them, setting by setting; empty if nothing. */
    public List<PolicyProblem> problems() {
        List<PolicyProblem> problems = new ArrayList<>();
        for (Setting<?> setting : Settings.of(source)) {
            PolicyProblem problem = setting.problem(raw.apply(setting.key()));
            if (problem != null) {
                problems.add(problem);
            }
        }
        return problems;
    }
}
