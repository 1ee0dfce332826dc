package dev.baton.autoconfigure;

import java.time.Duration;

import dev.baton.InvalidSettingException;
import dev.baton.lock.LockOptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class BootLineCheckTests {

	@Test
	void thisJarIsBuiltForTheBootLineItRunsOn() {
		assertThat(new SpringApplication(Empty.class).getListeners()).anyMatch(BootLineCheck.class::isInstance);
		assertThatNoException().isThrownBy(() -> new SpringApplication(Empty.class) {
			{
				setWebApplicationType(WebApplicationType.NONE);
			}
		}.run().close());
	}

	@Test
	void aBoot3JarOnBoot4NamesBothVersionsAndTheBoot4Starter() {
		assertThatExceptionOfType(WrongBootLineException.class)
			.isThrownBy(() -> BootLineCheck.check("3.5.16", "baton-spring-boot-autoconfigure", "4.0.7"))
			.withMessage("dev.baton:baton-spring-boot-autoconfigure is built for Spring Boot 3.5.x, but this "
					+ "application runs Spring Boot 4.0.7: depend on dev.baton:baton-spring-boot4-starter (or "
					+ "baton-spring-boot4-starter-locks for locks, mutex and single-flight only) instead");
	}

	@Test
	void aBoot4JarOnBoot3NamesTheUnnumberedStarter() {
		assertThatExceptionOfType(WrongBootLineException.class)
			.isThrownBy(() -> BootLineCheck.check("4.0.7", "baton-spring-boot4-autoconfigure", "3.5.7"))
			.withMessageContaining("built for Spring Boot 4.0.x")
			.withMessageContaining("runs Spring Boot 3.5.7")
			.withMessageContaining("depend on dev.baton:baton-spring-boot-starter (");
	}

	@Test
	void anotherVersionOfTheSameLinePasses() {
		String line = SpringBootVersion.getVersion().substring(0, SpringBootVersion.getVersion().indexOf('.'));
		assertThatNoException().isThrownBy(() -> BootLineCheck.check(line + ".0.0", "any", line + ".9.9"));
	}

	@Test
	void theFailureAnalysisIsTheOneReasonToFixAndNamesTheStarter() {
		WrongBootLineException wrong = new WrongBootLineException("3.5.16", "baton-spring-boot-autoconfigure", "4.0.7",
				"baton-spring-boot4-starter");
		FailureAnalysis analysis = new WrongBootLineFailureAnalyzer()
			.analyze(new IllegalStateException("Application run failed", wrong));
		assertThat(analysis.getDescription()).contains("4.0.7").contains("3.5.x");
		assertThat(analysis.getAction()).contains("dev.baton:baton-spring-boot4-starter");
	}

	@Test
	void anInvalidSettingIsReportedAsItsProperty() {
		InvalidSettingException invalid = catchInvalid(
				() -> new LockOptions(Duration.ofMillis(1), 0, true, Duration.ofSeconds(1)));
		FailureAnalysis analysis = new InvalidSettingFailureAnalyzer().analyze(new IllegalStateException(invalid));
		assertThat(analysis.getDescription()).startsWith("Invalid value for 'baton.lock.lease-time': leaseTime must be");
		assertThat(analysis.getAction()).isEqualTo("Review the value of the property 'baton.lock.lease-time'.");
		assertThat(InvalidSettingFailureAnalyzer.property("ai", "tokensPerPeriod")).isEqualTo("baton.ai.tokens-per-minute");
		assertThat(InvalidSettingFailureAnalyzer.property("redis", "keyPrefix")).isEqualTo("baton.redis.key-prefix");
		assertThat(InvalidSettingFailureAnalyzer.property("singleflight", "localMaxSize"))
			.isEqualTo("baton.singleflight.local-max-size");
	}

	private static InvalidSettingException catchInvalid(Runnable action) {
		try {
			action.run();
		}
		catch (InvalidSettingException ex) {
			return ex;
		}
		throw new AssertionError("no InvalidSettingException");
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
