package io.apppasswords.keycloak.lifecycle;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.credential.AppPasswordCredentialData;
import io.apppasswords.keycloak.credential.AppPasswordProtocol;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialMetadata;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.theme.Theme;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What the stock account console shows under each app password: last use, expiry, allowed clients and
 * protocols, and a
 * warning once it has expired. No custom console page is needed (they are broken in Keycloak 26.1-26.7).
 */
final class AccountConsoleInfo {

    private AccountConsoleInfo() {
    }

    static CredentialMetadata of(KeycloakSession session, AppPasswordCredentialModel credential) {
        CredentialMetadata metadata = new CredentialMetadata();
        metadata.setCredentialModel(credential);
        AppPasswordCredentialData data = credential.getData();
        // The account console's REST call carries the user's token: their locale attribute, else the browser's.
        Locale locale = session.getContext().resolveLocale(session.getContext().getUser());
        List<CredentialMetadata.LocalizedMessage> info = new ArrayList<>();
        info.add(property("appPasswordLastUsed", data.getLastUsedAt() == null ? "-" : lastUse(data, locale)));
        info.add(property("appPasswordExpires",
                data.getExpiresAt() == null ? "-" : DisplayTime.format(data.getExpiresAt(), locale)));
        info.add(property("appPasswordClients", data.getClients() == null
                ? accountMessage(session, locale, "appPasswordClientsAny") : String.join(", ", data.getClients())));
        info.add(property("appPasswordProtocols", data.getProtocols() == null
                ? accountMessage(session, locale, "appPasswordProtocolsAny") : protocolLabels(data.getProtocols())));
        metadata.setInfoProperties(info);
        if (credential.isExpired(Time.currentTimeMillis())) {
            metadata.setWarningMessageTitle("appPasswordExpiredTitle");
            metadata.setWarningMessageDescription("appPasswordExpiredDescription");
        }
        return metadata;
    }

    private static String lastUse(AppPasswordCredentialData data, Locale locale) {
        StringBuilder text = new StringBuilder(DisplayTime.format(data.getLastUsedAt(), locale));
        if (data.getLastUsedIp() != null) {
            text.append(", ").append(data.getLastUsedIp());
        }
        if (data.getLastUsedClient() != null) {
            text.append(", ").append(data.getLastUsedClient());
        }
        AppPasswordProtocol protocol = AppPasswordProtocol.of(data.getLastUsedProtocol());
        if (protocol != null) {
            text.append(", ").append(protocol.label());
        }
        return text.toString();
    }

    private static String protocolLabels(List<String> ids) {
        return ids.stream().map(AppPasswordProtocol::of).filter(Objects::nonNull)
                .map(AppPasswordProtocol::label).collect(Collectors.joining(", "));
    }

    /**
     * A message in the user's language: the account console shows a property's value as it comes, so a
     * value that is a word, not a name or a date, is translated here.
     */
    private static String accountMessage(KeycloakSession session, Locale locale, String key) {
        try {
            RealmModel realm = session.getContext().getRealm();
            return session.theme().getTheme(Theme.Type.ACCOUNT).getEnhancedMessages(realm, locale).getProperty(key, key);
        } catch (IOException e) {
            return key;
        }
    }

    private static CredentialMetadata.LocalizedMessage property(String key, String value) {
        return new CredentialMetadata.LocalizedMessage(key, new Object[]{value});
    }
}
