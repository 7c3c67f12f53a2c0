package io.apppasswords.keycloak.authenticator;

import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import io.apppasswords.keycloak.lifecycle.AuthenticatorSettings;
import org.junit.jupiter.api.Test;
import org.keycloak.models.AuthenticatorConfigModel;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DovecotServiceTest {

    @Test
    void eachDovecotServiceMapsToItsProtocol() {
        assertEquals(AppPasswordProtocol.IMAP, DovecotService.protocol("imap"));
        assertEquals(AppPasswordProtocol.POP3, DovecotService.protocol("pop3"));
        assertEquals(AppPasswordProtocol.SMTP, DovecotService.protocol("submission"));
        assertEquals(AppPasswordProtocol.SMTP, DovecotService.protocol("smtp"), "Postfix SASL through Dovecot");
        assertEquals(AppPasswordProtocol.SIEVE, DovecotService.protocol("sieve"));
        assertEquals(AppPasswordProtocol.SIEVE, DovecotService.protocol("managesieve"));
        assertEquals(AppPasswordProtocol.IMAP, DovecotService.protocol(" IMAP "));
    }

    @Test
    void anythingElseIsNoProtocol() {
        for (String other : Arrays.asList(null, "", "lmtp", "doveadm", "imap-urlauth", "imap, smtp", "imap\r\nsmtp", "%s")) {
            assertNull(DovecotService.protocol(other), String.valueOf(other));
        }
    }

    @Test
    void theServiceHeaderIsDovecotsUnlessConfigured() {
        assertEquals("X-Dovecot-Auth-Service", AuthenticatorSettings.of(null).serviceHeader());
        AuthenticatorConfigModel config = new AuthenticatorConfigModel();
        config.setConfig(Map.of("serviceHeader", " X-Mail-Service "));
        assertEquals("X-Mail-Service", AuthenticatorSettings.of(config).serviceHeader());
        config.setConfig(Map.of("serviceHeader", " "));
        assertEquals("X-Dovecot-Auth-Service", AuthenticatorSettings.of(config).serviceHeader());
    }
}
