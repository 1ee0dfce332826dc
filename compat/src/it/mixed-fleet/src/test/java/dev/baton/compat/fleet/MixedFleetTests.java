package dev.baton.compat.fleet;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Instances of one service on both Boot lines, sharing one Redis while a fleet moves from Boot 3.5
 * to Boot 4: a single-flight value that one line loads and stores is read by the other line from
 * Redis, equal to the last digit, without running the loader. Each instance is the application's
 * runnable jar in a child JVM that makes one call and prints what it got (see FlightCommand).
 */
class MixedFleetTests {

	static final Instance boot3 = new Instance("boot3", System.getProperty("compat.boot3.jar"),
			System.getProperty("compat.boot3.version"));

	static final Instance boot4 = new Instance("boot4", System.getProperty("compat.boot4.jar"),
			System.getProperty("compat.boot4.version"));

	static final Pattern FLIGHT = Pattern.compile("^compat-flight role=(\\S+) boot=(\\S+) loads=(\\d+) value=(.*)$",
			Pattern.MULTILINE);

	final RedisTestServer redis = RedisTestServers.shared();

	@Test
	void aValueLoadedOnBoot3IsReadOnBoot4WithoutLoadingAgain() throws Exception {
		loadThenRead(boot3, boot4);
	}

	@Test
	void aValueLoadedOnBoot4IsReadOnBoot3WithoutLoadingAgain() throws Exception {
		loadThenRead(boot4, boot3);
	}

	private void loadThenRead(Instance writer, Instance reader) throws Exception {
		String sku = "fleet-" + writer.name + "-" + UUID.randomUUID().toString().substring(0, 8);

		Flight written = writer.call("write", sku, this.redis);
		Flight read = reader.call("read", sku, this.redis);

		assertThat(written.boot()).isEqualTo(writer.bootVersion);
		assertThat(written.loads()).as("loader runs on the writer").isEqualTo(1);
		assertThat(written.value()).contains("sku=" + sku, "loadedBy=Spring Boot " + writer.bootVersion);
		assertThat(read.boot()).isEqualTo(reader.bootVersion);
		assertThat(read.loads()).as("loader runs on the reader").isZero();
		assertThat(read.value()).isEqualTo(written.value());
	}

	/** What one instance printed: its Boot version, its loader's runs and the value's toString. */
	record Flight(String boot, int loads, String value) {

	}

	/** One Boot line's runnable jar. */
	record Instance(String name, String jar, String bootVersion) {

		/** Runs one flight call in a child JVM, loopback only, bounded by a timeout. */
		Flight call(String role, String sku, RedisTestServer redis) throws IOException, InterruptedException {
			assertThat(new File(this.jar)).as("runnable jar of " + this.name + " (built by a setup build)").isFile();
			Path log = Path.of(System.getProperty("compat.logs"), "fleet-" + this.name + "-" + role + "-" + sku + ".log");
			List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-jar", this.jar,
					"--compat.flight=" + role, "--compat.key=" + sku, "--spring.data.redis.host=" + redis.host(),
					"--spring.data.redis.port=" + redis.port(), "--spring.main.web-application-type=none",
					"--spring.main.banner-mode=off", "--logging.level.root=WARN"));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			if (!process.waitFor(90, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				fail(this.name + " " + role + " did not finish within 90 s; its output: " + log);
			}
			String output = Files.readString(log, StandardCharsets.UTF_8);
			assertThat(process.exitValue()).as(this.name + " " + role + " exit code; output:%n%s", output).isZero();
			Matcher flight = FLIGHT.matcher(output);
			if (!flight.find()) {
				fail(this.name + " " + role + " printed no compat-flight line:%n" + output);
			}
			assertThat(flight.group(1)).isEqualTo(role);
			return new Flight(flight.group(2), Integer.parseInt(flight.group(3)), flight.group(4));
		}

	}

}
