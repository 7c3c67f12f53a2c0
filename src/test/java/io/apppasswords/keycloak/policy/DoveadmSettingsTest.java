package io.apppasswords.keycloak.policy;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoveadmSettingsTest {

    private static final String URLS = Settings.DOVEADM_URLS.key();
    private static final String API_KEY = Settings.DOVEADM_API_KEY.key();

    private static DoveadmSettings read(Map<String, String> config) {
        return DoveadmSettings.of(SettingValues.of(Setting.Source.REALM_POLICY, "test", config));
    }

    @Test
    void urlsAreSeparatedByCommasOrSpaces() {
        DoveadmSettings settings = read(Map.of(URLS,
                " https://mail1.internal:8080/doveadm/v1, http://10.0.0.6:8080/doveadm/v1\n  https://mail3/doveadm/v1 ",
                API_KEY, " ${vault.doveadm} "));
        assertEquals(List.of(URI.create("https://mail1.internal:8080/doveadm/v1"),
                URI.create("http://10.0.0.6:8080/doveadm/v1"), URI.create("https://mail3/doveadm/v1")), settings.urls());
        assertEquals("${vault.doveadm}", settings.apiKey());
        assertTrue(settings.enabled());
    }

    @Test
    void emptyIsOff() {
        DoveadmSettings settings = read(Map.of(URLS, " , "));
        assertFalse(settings.enabled());
        assertNull(settings.apiKey());
        assertEquals(List.of(), AppPasswordPolicy.problems(Map.of()));
    }

    @Test
    void onlyHttpAndHttpsUrlsWithAHostAreSaved() {
        for (String bad : List.of("ftp://mail/doveadm/v1", "mail.internal:8080", "/doveadm/v1", "https://",
                "http://user:pw@mail/doveadm/v1", "https://mail/doveadm/v1?x=1", "http://mail/%zz")) {
            List<PolicyProblem> problems = AppPasswordPolicy.problems(Map.of(URLS,
                    "https://ok.internal/doveadm/v1 " + bad));
            assertEquals(1, problems.size(), bad);
            assertEquals(URLS, problems.get(0).key());
            assertFalse(read(Map.of(URLS, "https://ok.internal/doveadm/v1 " + bad)).enabled(), bad);
        }
        assertEquals(List.of(), AppPasswordPolicy.problems(Map.of(URLS, "HTTPS://Mail/doveadm/v1")));
    }

    @Test
    void doveadmsTcpProtocolIsAHostAndAPortAndNothingElse() {
        assertEquals(List.of(URI.create("doveadm://mail1.internal:2425"), URI.create("https://mail2/doveadm/v1")),
                read(Map.of(URLS, "doveadm://mail1.internal:2425 https://mail2/doveadm/v1")).urls());
        assertEquals(List.of(), AppPasswordPolicy.problems(Map.of(URLS, "DOVEADM://10.0.0.5:2425")));
        for (String bad : List.of("doveadm://mail.internal", "doveadm://mail:2425/doveadm/v1", "doveadm://u:pw@mail:2425",
                "doveadm://mail:2425?x=1", "doveadm://:2425", "doveadm:mail:2425")) {
            List<PolicyProblem> problems = AppPasswordPolicy.problems(Map.of(URLS, bad));
            assertEquals(1, problems.size(), bad);
            assertEquals(URLS, problems.get(0).key());
        }
    }

    @Test
    void theKeyIsNeverPrinted() {
        DoveadmSettings settings = read(Map.of(URLS, "http://mail/doveadm/v1", API_KEY, "s3cret-key"));
        assertFalse(settings.toString().contains("s3cret-key"), settings.toString());
    }

    @Test
    void theKeyIsAPasswordFieldInTheAdminConsole() {
        assertEquals("Password", RealmPolicy.CONFIG.stream().filter(p -> p.getName().equals(API_KEY))
                .findFirst().orElseThrow().getType());
    }
}
