package dev.baton.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo page in headless Chromium: open a sale of 100, simulate 100 buyers, and the page ends
 * showing everything sold and nothing oversold. Skips only where Chromium is not installed.
 */
@SampleAppTest
class FlashSalePageTests {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	static WebDriver browser;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startBrowser(@TempDir Path profile) {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"Skipping the page test: Debian's chromium and chromium-driver are not installed "
						+ "(apt-get install chromium chromium-driver; .ci/run does it)");
		ChromeDriverService driver = new ChromeDriverService.Builder()
			.usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--no-first-run", "--window-size=1280,1100", "--user-data-dir=" + profile.toAbsolutePath());
		browser = new ChromeDriver(driver, options);
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void simulatedBuyersSellTheWholeStockAndNoMore() throws IOException {
		browser.get("http://127.0.0.1:" + this.port + "/");
		WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
		String sku = "page-" + UUID.randomUUID().toString().substring(0, 8);
		type("sku", sku);
		type("stock", "100");
		type("buyers", "100");

		browser.findElement(By.id("open-sale")).click();
		wait.until(ExpectedConditions.textToBe(By.id("stat-stock"), "100"));
		browser.findElement(By.id("simulate")).click();
		wait.until(ExpectedConditions.textMatches(By.id("status"), Pattern.compile("^Done")));
		wait.until(ExpectedConditions.textToBe(By.id("stat-sold"), "100"));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("meters"), "flash-sale.purchase"));

		assertThat(text("stat-stock")).isEqualTo("0");
		assertThat(text("stat-orders")).isEqualTo("100");
		assertThat(text("stat-oversold")).isEqualTo("0");
		assertThat(text("count-201")).isEqualTo("100");
		assertThat(text("count-other")).isEqualTo("0");
		screenshot();
	}

	private static void type(String id, String value) {
		WebElement field = browser.findElement(By.id(id));
		field.clear();
		field.sendKeys(value);
	}

	private static String text(String id) {
		return browser.findElement(By.id(id)).getText();
	}

	/** Kept in target/ for people looking at a failed or passed run. */
	private static void screenshot() throws IOException {
		File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), Path.of("target", "flash-sale-page.png"), StandardCopyOption.REPLACE_EXISTING);
	}

}
