package io.apppasswords.keycloak.events;

import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The admin events about users that can concern app passwords, recognised by their resource paths. */
final class AdminEventPaths {

    /** What an admin did to a user. */
    enum Kind {
        /** {@code PUT users/{id}}: may carry a new password and says nothing about it. */
        UPDATED(OperationType.UPDATE, Pattern.compile("users/([^/]+)")),
        /** {@code PUT users/{id}/reset-password}. */
        PASSWORD_RESET(OperationType.ACTION, Pattern.compile("users/([^/]+)/reset-password")),
        /** {@code DELETE users/{id}/credentials/{credentialId}}: the admin console's Credentials tab. */
        CREDENTIAL_REMOVED(OperationType.ACTION, Pattern.compile("users/([^/]+)/credentials/([^/]+)"));

        private final OperationType operation;
        private final Pattern path;

        Kind(OperationType operation, Pattern path) {
            this.operation = operation;
            this.path = path;
        }
    }

    /** A recognised event: its kind, the user, and for a removal the credential's id. */
    record Target(Kind kind, String userId, String credentialId) {
    }

    private AdminEventPaths() {
    }

    /** The event's target if it is a successful one of the kinds above. */
    static Optional<Target> parse(AdminEvent event) {
        if (event.getError() != null || event.getResourceType() != ResourceType.USER || event.getResourcePath() == null) {
            return Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            Matcher matcher = kind.path.matcher(event.getResourcePath());
            if (event.getOperationType() == kind.operation && matcher.matches()) {
                return Optional.of(new Target(kind, matcher.group(1), matcher.groupCount() > 1 ? matcher.group(2) : null));
            }
        }
        return Optional.empty();
    }
}
