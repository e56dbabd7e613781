package io.kymux.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.function.Predicate;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through chromedriver (both from apt; .ci/run installs
 * them). Fails loudly when they are missing: a browser test that skips proves nothing.
 */
final class Chromium implements AutoCloseable {

    static final String BINARY = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";

    private static final ObjectMapper JSON = new ObjectMapper();
    final ChromeDriver driver;

    Chromium() throws Exception {
        this(new String[0]);
    }

    /** With extra command-line switches (e.g. a test's stand-in for a user's certificate exception). */
    Chromium(String... extraArgs) throws Exception {
        if (!new File(BINARY).canExecute() || !new File(DRIVER).canExecute()) {
            throw new IllegalStateException("browser tests need " + BINARY + " and " + DRIVER
                    + ": apt-get install -y chromium chromium-driver");
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(BINARY);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
                // WebRTC between the page and kymux on 127.0.0.1 (Chromium leaves loopback out otherwise)
                "--allow-loopback-in-peer-connection",
                "--user-data-dir=" + Files.createTempDirectory("kymux-chromium"));
        o.addArguments(extraArgs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
    }

    /** window.kymuxStats as JSON (null before the player ran). */
    JsonNode stats() throws Exception {
        Object s = ((JavascriptExecutor) driver).executeScript(
                "return window.kymuxStats ? JSON.stringify(window.kymuxStats) : null");
        return s == null ? null : JSON.readTree((String) s);
    }

    /** Polls the player's stats until the condition holds or the (bounded) time is up. */
    JsonNode awaitStats(Predicate<JsonNode> done, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode s = null;
        while (System.nanoTime() < end) {
            s = stats();
            if (s != null && done.test(s)) {
                return s;
            }
            Thread.sleep(200);
        }
        return s;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
