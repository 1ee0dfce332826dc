package dev.baton.compat.locks;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The locks starter in an application without a web starter, started as its {@code main} does:
 * no web server, no WebFlux or servlet stack on the class path, and {@code @DistributedLock} works.
 * Runs on the Boot version the build names in {@code compat.boot-version}.
 */
class LocksOnlyApplicationTests {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void runsOnTheBootVersionTheBuildAskedFor() {
		assertThat(SpringBootVersion.getVersion()).isEqualTo(System.getProperty("compat.boot-version"));
	}

	@Test
	void startsWithoutAWebServer() {
		SpringApplication application = new SpringApplication(LocksOnlyApplication.class);
		ConfigurableApplicationContext context = start(application);

		assertThat(application.getWebApplicationType()).isEqualTo(WebApplicationType.NONE);
		assertThat(context.getEnvironment().containsProperty("local.server.port")).isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", null))
			.as("WebFlux on the class path")
			.isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", null))
			.as("Spring MVC on the class path")
			.isFalse();
		assertThat(ClassUtils.isPresent("io.github.resilience4j.core.Registry", null))
			.as("resilience4j on the class path")
			.isFalse();
	}

	@Test
	void distributedLockGivesEachPostAGrowingFencingToken() {
		Ledger ledger = start(new SpringApplication(LocksOnlyApplication.class)).getBean(Ledger.class);

		OptionalLong first = ledger.post("acct-1");
		OptionalLong second = ledger.post("acct-1");

		assertThat(first).isPresent();
		assertThat(second).isPresent();
		assertThat(second.getAsLong()).isGreaterThan(first.getAsLong());
	}

	private ConfigurableApplicationContext start(SpringApplication application) {
		List<String> args = new ArrayList<>();
		for (String property : RedisTestServers.shared().springProperties()) {
			args.add("--" + property);
		}
		args.add("--baton.redis.key-prefix=locks-only");
		ConfigurableApplicationContext context = application.run(args.toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

}
