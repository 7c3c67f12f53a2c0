package io.apppasswords.keycloak.it;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;

/** What a signed-in IMAP store's INBOX holds, read as a mail app reads it (Jakarta Mail). */
public final class Inbox {

    private Inbox() {
    }

    /** Whether a message with exactly this subject is in the INBOX. */
    public static boolean holds(Store store, String subject) throws MessagingException {
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        try {
            for (Message m : inbox.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    return true;
                }
            }
            return false;
        } finally {
            inbox.close(false);
        }
    }
}
