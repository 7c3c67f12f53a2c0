package io.apppasswords.keycloak.policy;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceSettingsTest {

    /** What the admin console refuses: the catalogue's checks of each value, then the rule across them. */
    private static List<String> problemKeys(Map<String, String> config) {
        List<PolicyProblem> problems = new java.util.ArrayList<>(AppPasswordPolicy.problems(config));
        problems.addAll(DeviceSettings.problems(config));
        return problems.stream().map(PolicyProblem::key).toList();
    }

    private static DeviceSettings parse(Map<String, String> config) {
        return DeviceSettings.of(SettingValues.of(Setting.Source.REALM_POLICY, "test", config));
    }

    @Test
    void withoutServersNothingIsOfferedAndNothingIsWrong() {
        assertNull(parse(Map.of()));
        assertEquals(List.of(), problemKeys(Map.of("maxPerUser", "3")));
    }

    @Test
    void portsFollowTheSecurityUnlessGiven() {
        DeviceSettings s = parse(Map.of("imapHost", "imap.example.org", "smtpHost", "smtp.example.org"));
        assertEquals(993, s.imapPort());
        assertEquals(DeviceSettings.Security.SSL, s.imapSecurity());
        assertEquals(587, s.smtpPort());
        assertEquals(DeviceSettings.Security.STARTTLS, s.smtpSecurity());
        assertNull(s.caldavUrl());

        DeviceSettings t = parse(Map.of("imapHost", "mail.example.org", "imapSecurity", "STARTTLS",
                "smtpHost", "mail.example.org", "smtpSecurity", "ssl", "smtpPort", "2465",
                "caldavUrl", "https://dav.example.org/cal/", "organization", " Example Ltd "));
        assertEquals(143, t.imapPort());
        assertEquals(2465, t.smtpPort());
        assertEquals(DeviceSettings.Security.SSL, t.smtpSecurity());
        assertEquals(URI.create("https://dav.example.org/cal/"), t.caldavUrl());
        assertEquals("Example Ltd", t.organization());
    }

    @Test
    void halfASetUpAndUnusableValuesAreRefusedOnSave() {
        assertEquals(List.of("smtpHost"), problemKeys(Map.of("imapHost", "mail.example.org")));
        assertEquals(List.of("imapHost", "smtpHost"), problemKeys(Map.of("carddavUrl", "https://dav.example.org/")));
        assertEquals(993, parse(Map.of("imapHost", "a.example", "smtpHost", "b.example", "imapPort", "x")).imapPort(),
                "a value the admin console would refuse reads as its default");
        Map<String, String> good = Map.of("imapHost", "mail.example.org", "smtpHost", "10.0.0.1");
        assertEquals(List.of(), problemKeys(good));
        for (var bad : List.of(Map.entry("imapHost", "imaps://mail.example.org"), Map.entry("smtpHost", "mail example"),
                Map.entry("imapPort", "-1"), Map.entry("smtpPort", "65536"), Map.entry("imapPort", "imap"),
                Map.entry("smtpSecurity", "tls"), Map.entry("caldavUrl", "dav.example.org"),
                Map.entry("caldavUrl", "ftp://dav.example.org/"), Map.entry("carddavUrl", "https://user:pw@dav.example.org/"),
                Map.entry("organization", "x".repeat(DeviceSettings.MAX_ORGANIZATION + 1)),
                Map.entry("organization", "Evil\nCorp"))) {
            Map<String, String> config = new java.util.HashMap<>(good);
            config.put(bad.getKey(), bad.getValue());
            assertEquals(List.of(bad.getKey()), problemKeys(config), bad.toString());
            if (bad.getKey().endsWith("Host")) {
                assertNull(parse(config), "an unusable host offers nothing: " + bad);
            }
        }
    }

    @Test
    void theAdminConsoleShowsEverySetting() {
        List<String> names = RealmPolicy.CONFIG.stream().map(p -> p.getName()).toList();
        assertTrue(names.containsAll(List.of("imapHost", "imapPort", "imapSecurity", "smtpHost", "smtpPort",
                "smtpSecurity", "caldavUrl", "carddavUrl", "organization")), names.toString());
    }
}
