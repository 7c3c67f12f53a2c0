package io.apppasswords.keycloak.policy;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    private static SettingValues values(Setting.Source source, Map<String, String> raw) {
        return SettingValues.of(source, "test", raw);
    }

    @Test
    void everySourceReadsBlankGarbageAndOutOfRangeAsTheDocumentedDefault() {
        for (Setting<?> setting : Settings.all()) {
            for (String raw : new String[]{null, "", "  "}) {
                Map<String, String> map = new HashMap<>();
                map.put(setting.key(), raw);
                assertEquals(setting.defaultValue(), values(setting.source(), map).get(setting), setting + " " + raw);
            }
        }
        for (Setting<?> setting : Settings.all()) {
            if (setting.type() == Setting.Type.BOOLEAN || setting.type() == Setting.Type.INTEGER) {
                for (String garbage : List.of("maybe", "1.5", "yes")) {
                    assertEquals(setting.defaultValue(), values(setting.source(), Map.of(setting.key(), garbage)).get(setting),
                            setting + " " + garbage);
                    assertTrue(setting.problem(garbage) != null, setting + " " + garbage);
                }
            }
            if (setting.type() == Setting.Type.INTEGER) {
                for (long outside : new long[]{(long) setting.min() - 1, (long) setting.max() + 1}) {
                    assertEquals(setting.defaultValue(),
                            values(setting.source(), Map.of(setting.key(), String.valueOf(outside))).get(setting),
                            setting + " " + outside);
                }
                assertEquals(setting.max(), values(setting.source(), Map.of(setting.key(), " " + setting.max() + " "))
                        .get(setting));
            }
        }
    }

    @Test
    void aBlankBooleanIsItsDefaultInEverySource() {
        assertTrue(values(Setting.Source.AUTHENTICATOR, Map.of("transientSession", "")).get(Settings.TRANSIENT_SESSION));
        assertTrue(values(Setting.Source.REALM_POLICY, Map.of("requireSecondFactor", "")).get(Settings.REQUIRE_SECOND_FACTOR));
        assertFalse(values(Setting.Source.AUTHENTICATOR, Map.of("transientSession", " FALSE ")).get(Settings.TRANSIENT_SESSION));
    }

    @Test
    void theCatalogueNamesEachSettingOnceWithItsSourceDefaultAndRange() {
        Set<String> seen = new HashSet<>();
        for (Setting<?> setting : Settings.all()) {
            assertTrue(seen.add(setting.source() + ":" + setting.key()), setting.toString());
            assertFalse(setting.label().isBlank(), setting.toString());
            assertFalse(setting.help().isBlank(), setting.toString());
            assertEquals(setting.key(), setting.property().getName());
        }
        assertEquals(Setting.Source.SERVER_OPTION, Settings.CLEANUP_INTERVAL_SECONDS.source());
        assertEquals(900, Settings.CLEANUP_INTERVAL_SECONDS.defaultValue());
        assertEquals(1, Settings.CLEANUP_INTERVAL_SECONDS.min());
        assertTrue(Settings.of(Setting.Source.REALM_POLICY).contains(Settings.WARN_DAYS_BEFORE));
        assertFalse(Settings.of(Setting.Source.REALM_POLICY).contains(Settings.TRANSIENT_SESSION));
    }

    @Test
    void aSettingIsReadOnlyFromItsOwnSource() {
        SettingValues realm = values(Setting.Source.REALM_POLICY, Map.of("transientSession", "false"));
        assertThrows(IllegalArgumentException.class, () -> realm.get(Settings.TRANSIENT_SESSION));
    }

    @Test
    void listsAndStringsAreStripped() {
        SettingValues v = values(Setting.Source.AUTHENTICATOR,
                Map.of("trustedForwarderClients", " a ##b## ##a", "serviceHeader", " X-Service "));
        assertEquals(List.of("a", "b"), v.get(Settings.TRUSTED_FORWARDERS));
        assertEquals("X-Service", v.get(Settings.SERVICE_HEADER));
        assertNull(values(Setting.Source.REALM_POLICY, Map.of()).get(Settings.PASSWORD_CHANGED_ATTRIBUTE));
    }

    @Test
    void aSettingWithACheckOfItsOwnRefusesWhatItCannotTake() {
        Setting<Integer> port = Setting.of(Setting.Source.REALM_POLICY, "port", Setting.Type.INTEGER, 993, v -> {
            int p = Integer.parseInt(v);
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("no port");
            }
            return p;
        }, "Port", "A port.");
        assertEquals(993, port.read("0", "test"));
        assertEquals(143, port.read("143", "test"));
        assertEquals(PolicyProblem.NOT_A_NUMBER, port.problem("x").messageKey());
        assertNull(port.problem(""));
    }
}
