package io.apppasswords.keycloak.authenticator;

import io.apppasswords.keycloak.credential.AppPasswordProtocol;

import java.util.Locale;
import java.util.Map;

/**
 * The protocol behind the service name Dovecot's auth process reports for a login ({@code %{service}}, sent
 * by the shipped Lua passdb and, with {@code send_auth_headers = yes}, by the built-in oauth2 passdb).
 * Postfix authenticating through Dovecot SASL asks as {@code smtp}; Dovecot's own submission service as
 * {@code submission}; ManageSieve as {@code sieve}. Any other name maps to nothing, which a protocol-limited
 * app password refuses.
 */
final class DovecotService {

    private static final Map<String, AppPasswordProtocol> SERVICES = Map.of(
            "imap", AppPasswordProtocol.IMAP,
            "pop3", AppPasswordProtocol.POP3,
            "submission", AppPasswordProtocol.SMTP,
            "smtp", AppPasswordProtocol.SMTP,
            "sieve", AppPasswordProtocol.SIEVE,
            "managesieve", AppPasswordProtocol.SIEVE);

    private DovecotService() {
    }

    /** The protocol of {@code service} (letter case and surrounding blanks ignored), or {@code null}. */
    static AppPasswordProtocol protocol(String service) {
        return service == null ? null : SERVICES.get(service.strip().toLowerCase(Locale.ROOT));
    }
}
