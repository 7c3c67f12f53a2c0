package io.apppasswords.keycloak.it;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.ChecksumException;
import com.google.zxing.FormatException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import org.jsoup.nodes.Element;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The page that shows a new app password once, reached as a browser does (jsoup {@link Browser}), and what it
 * offers to set a device up: the profile link, the QR code (decoded with ZXing from the bitmap the page serves) and
 * the settings table. Realm servers come from {@link #SERVERS} through {@link Policy}.
 */
public final class DeviceSetupPage {

    /** Device settings of the realm: mail, calendars, contacts. */
    public static final Map<String, String> SERVERS = Map.of("imapHost", "imap.example.org",
            "smtpHost", "smtp.example.org", "caldavUrl", "https://dav.example.org/cal/",
            "carddavUrl", "https://dav.example.org/card/", "organization", "Example Org");

    private final Browser.Page page;

    private DeviceSetupPage(Browser.Page page) {
        this.page = page;
    }

    /** Creates an app password named {@code name} on the creation page, with the form's other fields as given. */
    public static DeviceSetupPage create(String username, String name, Map<String, String> fields) {
        Browser browser = Browser.demo();
        Browser.Page form = browser.login(browser.authorize("account-console",
                KeycloakServer.get().realmUrl() + "/account/", "app-password"), username, Users.PASSWORD, null);
        Browser.Form create = form.form("kc-app-password-form").set("name", name);
        fields.forEach(create::set);
        DeviceSetupPage created = new DeviceSetupPage(create.submit());
        assertNotNull(created.page.doc().selectFirst("#app-password-value"), created.page.describe());
        AppPasswordApi.ISSUED.add(created.secret());
        return created;
    }

    public Browser.Page page() {
        return page;
    }

    public String secret() {
        return page.doc().selectFirst("#app-password-value").text();
    }

    /** Whether the page offers anything to set a device up. */
    public boolean offersDevice() {
        return page.doc().selectFirst("#app-password-device") != null;
    }

    /** The link of "Install on iPhone, iPad or Mac", or {@code null}. */
    public String profileUrl() {
        Element link = page.doc().selectFirst("#app-password-profile");
        return link == null ? null : link.attr("href");
    }

    /** What a phone finds in the QR code. */
    public String qrUrl() {
        return decodeQr(page.doc().selectFirst("#app-password-qr").attr("src"));
    }

    /** The settings table: label and value of each row, in order, group headings as {@code # heading}. */
    public java.util.List<String> settings() {
        return page.doc().select("#app-password-settings tr").stream()
                .map(tr -> tr.select("th[scope=rowgroup]").isEmpty()
                        ? tr.selectFirst("th").text() + "=" + tr.selectFirst("code").text()
                        : "# " + tr.text())
                .toList();
    }

    /** The text of a QR code in a {@code data:image/png;base64,} URI. */
    public static String decodeQr(String dataUri) {
        String prefix = "data:image/png;base64,";
        assertEquals(prefix, dataUri.substring(0, prefix.length()));
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                    Base64.getDecoder().decode(dataUri.substring(prefix.length()))));
            // the page's bitmap itself, read module by module: ZXing's camera-image detector misses about 1.5%
            // of perfectly drawn codes (27 of 2,000 random device links), which a phone's scanner reads
            return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                    new BufferedImageLuminanceSource(image))), Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NotFoundException | ChecksumException | FormatException e) {
            throw new AssertionError("no readable QR code", e);
        }
    }

    /** A link followed without cookies or login, as a phone does, in {@code language}. */
    public static HttpReply open(String url, String language) {
        return HttpReply.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept-Language", language).GET().build());
    }
}
