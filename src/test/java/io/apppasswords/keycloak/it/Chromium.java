package io.apppasswords.keycloak.it;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import java.io.File;
import java.time.Duration;
import java.util.Map;

/**
 * Headless Chromium from Debian ({@code chromium} + {@code chromium-driver}, installed by {@code .ci/run}),
 * driven through Selenium. Only for what the jsoup {@link Browser} cannot do: pages that need JavaScript,
 * such as WebAuthn. Close it after use.
 *
 * <p>System properties: {@code chromium.binary} (default {@code /usr/bin/chromium}) and
 * {@code chromium.driver} (default {@code /usr/bin/chromedriver}). Selenium Manager is never asked to
 * download a browser or driver.
 */
public final class Chromium implements AutoCloseable {

    private final ChromeDriver driver;

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
    }

    public static Chromium start() {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("chromium.driver", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--no-first-run", "--lang=en", "--window-size=1280,1000");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en"));
        return new Chromium(new ChromeDriver(service, options));
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * A platform authenticator holding discoverable credentials (passkeys) that verifies the user, as a
     * phone or laptop does: Chromium then answers WebAuthn requests without any dialog.
     */
    public VirtualAuthenticator addPasskeyAuthenticator() {
        return ((HasVirtualAuthenticator) driver).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true));
    }

    public void get(String url) {
        driver.get(url);
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    /** Waits up to 30 s for an element to be there. */
    public WebElement await(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    /** Waits up to 30 s for a JavaScript {@code prompt}/{@code alert} and accepts it with its default text. */
    public void acceptPrompt() {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.alertIsPresent()).accept();
    }

    /** Waits up to 30 s until the current URL starts with {@code prefix}. */
    public void awaitUrl(String prefix) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().startsWith(prefix));
    }

    public String text(By by) {
        return driver.findElement(by).getText();
    }

    /** Page source, for assertion messages. */
    public String describe() {
        String source = driver.getPageSource();
        return driver.getCurrentUrl() + "\n" + (source.length() > 3000 ? source.substring(0, 3000) : source);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
