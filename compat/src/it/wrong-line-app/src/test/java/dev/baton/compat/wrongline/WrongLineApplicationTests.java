package dev.baton.compat.wrongline;

import dev.baton.autoconfigure.WrongBootLineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Baton's Boot 3.5 starter in a Boot 4 application: start-up stops at once with one message that
 * names the running Boot and the starter to use, reported as the reason the application did not
 * start, before resilience4j's own Boot 3 check can speak.
 */
@ExtendWith(OutputCaptureExtension.class)
class WrongLineApplicationTests {

	static final String BOOT_VERSION = System.getProperty("compat.boot-version");

	@Test
	void runsOnBoot4() {
		assertThat(SpringBootVersion.getVersion()).isEqualTo(BOOT_VERSION).startsWith("4.");
	}

	@Test
	void startUpFailsNamingTheRunningBootAndTheBoot4Starter(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> new SpringApplication(WrongLineApplication.class).run().close());

		WrongBootLineException wrongLine = wrongLine(failure);
		assertThat(wrongLine.getMessage()).contains("Spring Boot " + BOOT_VERSION)
			.contains("built for Spring Boot 3.5.x")
			.contains("dev.baton:baton-spring-boot4-starter");
		assertThat(wrongLine.getStarter()).isEqualTo("baton-spring-boot4-starter");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains(wrongLine.getMessage())
			.contains("Replace Baton's starter with dev.baton:baton-spring-boot4-starter")
			.doesNotContain("only compatible with Spring Boot 3.x");
	}

	private static WrongBootLineException wrongLine(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof WrongBootLineException wrongLine) {
				return wrongLine;
			}
		}
		throw new AssertionError("Start-up did not fail with WrongBootLineException", failure);
	}

}
