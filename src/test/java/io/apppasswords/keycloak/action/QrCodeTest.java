package io.apppasswords.keycloak.action;

import io.apppasswords.keycloak.it.DeviceSetupPage;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QrCodeTest {

    /** ISO/IEC 18004's quiet zone, in modules. */
    private static final int QUIET_ZONE = 4;

    private static final String TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** Random tokens make every data mask appear; realm URLs from a short host to a long realm name. */
    @Test
    void everyDeviceLinkReadsBackWithTheFullQuietZone() throws IOException {
        Random random = new Random(18004);
        String[] realms = {"https://sso.example.org/realms/demo", "http://localhost:45678/realms/demo",
                "https://identity.internal.example-university.ac.uk/auth/realms/faculty-of-engineering-staff"};
        for (String realm : realms) {
            for (int i = 0; i < 300; i++) {
                String link = realm + "/app-passwords/device/" + token(random);
                String uri = QrCode.dataUri(link);
                assertEquals(link, DeviceSetupPage.decodeQr(uri));
                assertQuietZone(uri, link);
            }
        }
    }

    /** The top-left finder pattern's first row is 7 dark modules: where it starts and how long it is. */
    private static void assertQuietZone(String uri, String link) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1))));
        assertEquals(QrCode.SIZE, image.getWidth());
        for (int y = 0; y < image.getHeight(); y++) {
            int x = 0;
            while (x < image.getWidth() && !dark(image, x, y)) {
                x++;
            }
            if (x < image.getWidth()) {
                int run = 0;
                while (dark(image, x + run, y)) {
                    run++;
                }
                int module = run / 7;
                assertTrue(module >= 3, "modules of at least 3 pixels: " + module + " for " + link);
                assertTrue(x >= QUIET_ZONE * module && y >= QUIET_ZONE * module,
                        "a quiet zone of " + QUIET_ZONE + " modules: " + x + "/" + y + " pixels for " + link);
                return;
            }
        }
        throw new AssertionError("no dark module for " + link);
    }

    private static boolean dark(BufferedImage image, int x, int y) {
        return (image.getRGB(x, y) & 0xFFFFFF) == 0;
    }

    private static String token(Random random) {
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            token.append(TOKEN_ALPHABET.charAt(random.nextInt(TOKEN_ALPHABET.length())));
        }
        return token.toString();
    }
}
