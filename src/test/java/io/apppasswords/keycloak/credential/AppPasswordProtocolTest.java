package io.apppasswords.keycloak.credential;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppPasswordProtocolTest {

    @Test
    void namesAreReadInAnyLetterCaseAndNothingElseIsAProtocol() {
        assertEquals(AppPasswordProtocol.IMAP, AppPasswordProtocol.of("imap"));
        assertEquals(AppPasswordProtocol.POP3, AppPasswordProtocol.of(" POP3 "));
        assertEquals(AppPasswordProtocol.SMTP, AppPasswordProtocol.of("Smtp"));
        assertEquals(AppPasswordProtocol.SIEVE, AppPasswordProtocol.of("sieve"));
        for (String other : Arrays.asList(null, "", "submission", "managesieve", "imaps", "imap,smtp", "İMAP")) {
            assertNull(AppPasswordProtocol.of(other), String.valueOf(other));
        }
    }

    @Test
    void aLimitIsStoredInCanonicalOrderWithoutDuplicates() {
        assertEquals(List.of("imap", "smtp"), AppPasswordProtocol.limit(List.of("SMTP", "imap", "smtp")));
        assertEquals(List.of("sieve"), AppPasswordProtocol.limit(List.of("sieve")));
    }

    @Test
    void noneAskedForOrAllOfThemIsNoLimit() {
        assertNull(AppPasswordProtocol.limit(null));
        assertNull(AppPasswordProtocol.limit(List.of("sieve", "smtp", "pop3", "imap")));
    }

    @Test
    void anUnknownNameOrAnEmptyListIsRefused() {
        assertEquals(AppPasswordError.PROTOCOL_UNKNOWN,
                assertThrows(AppPasswordException.class, () -> AppPasswordProtocol.limit(List.of("imap", "http"))).getError());
        assertEquals(AppPasswordError.PROTOCOL_UNKNOWN,
                assertThrows(AppPasswordException.class, () -> AppPasswordProtocol.limit(Arrays.asList("imap", null))).getError());
        assertEquals(AppPasswordError.PROTOCOLS_NONE,
                assertThrows(AppPasswordException.class, () -> AppPasswordProtocol.limit(List.of())).getError());
        assertEquals("protocols", AppPasswordError.PROTOCOLS_NONE.field());
    }

    @Test
    void aLimitedAppPasswordFailsClosedWhenNoProtocolIsNamed() {
        AppPasswordCredentialModel any = model(null);
        AppPasswordCredentialModel sending = model(List.of("smtp"));
        assertTrue(any.allowsProtocol(null));
        assertTrue(any.allowsProtocol(AppPasswordProtocol.IMAP));
        assertTrue(sending.allowsProtocol(AppPasswordProtocol.SMTP));
        assertFalse(sending.allowsProtocol(AppPasswordProtocol.IMAP));
        assertFalse(sending.allowsProtocol(null));
    }

    @Test
    void theLimitSurvivesStorage() {
        AppPasswordCredentialModel read = AppPasswordCredentialModel.from(model(List.of("imap", "pop3")));
        assertEquals(List.of("imap", "pop3"), read.getData().getProtocols());
        assertFalse(read.allowsProtocol(AppPasswordProtocol.SIEVE));
        assertFalse(model(null).getCredentialData().contains("protocols"), "no limit stores nothing");
    }

    private static AppPasswordCredentialModel model(List<String> protocols) {
        return AppPasswordCredentialModel.create("n", AppPasswordSecret.generate(), 1L, null, null,
                AppPasswordProtocol.limit(protocols));
    }
}
