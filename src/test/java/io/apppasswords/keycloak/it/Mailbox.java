package io.apppasswords.keycloak.it;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.keycloak.representations.idm.RealmRepresentation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real SMTP server (GreenMail) on a free loopback port that the demo realm sends its mail to while it is
 * open; closing it gives the realm its previous SMTP settings back.
 */
final class Mailbox implements AutoCloseable {

    static final String FROM = "keycloak@example.com";

    private final GreenMail smtp;
    private final int port;
    private final Map<String, String> smtpBefore;

    private Mailbox() {
        KeycloakServer.get();
        port = Local.freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        smtpBefore = Users.realm().toRepresentation().getSmtpServer();
        pointRealmAt(port);
    }

    static Mailbox open() {
        return new Mailbox();
    }

    /** Points the realm's SMTP settings at {@code smtpPort} (e.g. one where nothing listens). */
    void pointRealmAt(int smtpPort) {
        RealmRepresentation realm = Users.realm().toRepresentation();
        Map<String, String> config = new HashMap<>();
        config.put("host", "127.0.0.1");
        config.put("port", String.valueOf(smtpPort));
        config.put("from", FROM);
        config.put("fromDisplayName", "App passwords demo");
        realm.setSmtpServer(config);
        Users.realm().update(realm);
    }

    /** Points the realm back at this mailbox. */
    void pointRealmHere() {
        pointRealmAt(port);
    }

    void purge() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
    }

    /**
     * Waits for the e-mail that creating an app password for {@code username} sends, then empties the box. That
     * e-mail leaves after the creation commits, from Keycloak's executor: purging at once could come before it.
     */
    void purgeCreationNotice(String username) throws Exception {
        if (to(username + "@example.com", 1, 15_000).isEmpty()) {
            throw new AssertionError("no creation e-mail for " + username + " within 15 s");
        }
        purge();
    }

    /** Every message received so far. */
    MimeMessage[] received() {
        return smtp.getReceivedMessages();
    }

    /** The messages to {@code address}, once there are at least {@code atLeast} or {@code millis} have passed. */
    List<MimeMessage> to(String address, int atLeast, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (true) {
            List<MimeMessage> received = new ArrayList<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                try {
                    if (address.equals(m.getAllRecipients()[0].toString())) {
                        received.add(m);
                    }
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (received.size() >= atLeast || System.currentTimeMillis() > end) {
                return received;
            }
            Thread.sleep(200);
        }
    }

    /** Waits until at least {@code count} messages arrived (or 15 s passed); true if they did. */
    boolean await(int count) {
        return smtp.waitForIncomingEmail(15_000, count);
    }

    @Override
    public void close() {
        try {
            RealmRepresentation realm = Users.realm().toRepresentation();
            realm.setSmtpServer(smtpBefore == null ? Map.of() : smtpBefore);
            Users.realm().update(realm);
        } finally {
            smtp.stop();
        }
    }

    /** The decoded text of the first part of this type (our mails are multipart/alternative). */
    static String part(MimeMessage mail, String type) throws Exception {
        Object content = mail.getContent();
        if (content instanceof Multipart multipart) {
            String found = find(multipart, type);
            assertNotNull(found, "no " + type + " part");
            return found;
        }
        assertTrue(mail.isMimeType(type), mail.getContentType());
        return (String) content;
    }

    /** The whole message, both parts decoded, in any case: no secret may appear anywhere in it. */
    static void assertNoSecret(MimeMessage mail, String secret) throws Exception {
        String all = GreenMailUtil.getWholeMessage(mail) + part(mail, "text/plain") + part(mail, "text/html");
        AppPasswordAssertions.assertNoSecret(all, secret);
        AppPasswordAssertions.assertNoSecret(all.toUpperCase(), secret.toUpperCase());
    }

    private static String find(Multipart multipart, String type) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
            if (part.getContent() instanceof Multipart nested) {
                String found = find(nested, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
