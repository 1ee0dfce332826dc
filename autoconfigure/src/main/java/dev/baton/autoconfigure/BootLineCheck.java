package dev.baton.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.lang.Nullable;

/**
 * Stops an application whose Spring Boot line is not the one this jar was built for, before
 * anything else is configured, with one message that names both versions and the artifact to
 * depend on: otherwise the first sign is a {@code TypeNotPresentException} warning and an
 * unrelated failure further on. Runs first among the listeners of the prepared environment,
 * ahead of every {@code EnvironmentPostProcessor} (and so of other libraries' own checks).
 */
public final class BootLineCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	private static final String BUILT_FOR = "dev/baton/autoconfigure/boot-line.properties";

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		Properties built = builtFor();
		check(built.getProperty("built-for"), built.getProperty("artifact"), SpringBootVersion.getVersion());
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * @param builtFor the Boot version this jar was compiled against
	 * @param artifact this jar's artifact id
	 * @param running the running Boot's version; null when unknown (e.g. a repackaged Boot), then
	 * nothing is checked
	 * @throws WrongBootLineException when the major versions differ
	 */
	static void check(String builtFor, String artifact, @Nullable String running) {
		if (running == null || major(running).equals(major(builtFor))) {
			return;
		}
		throw new WrongBootLineException(builtFor, artifact, running, starterFor(major(running)));
	}

	/** The starter of the line that runs: Boot 3.x takes the unnumbered one, as before Boot 4. */
	static String starterFor(String major) {
		return "3".equals(major) ? "baton-spring-boot-starter" : "baton-spring-boot" + major + "-starter";
	}

	private static String major(String version) {
		int dot = version.indexOf('.');
		return (dot < 0) ? version : version.substring(0, dot);
	}

	private static Properties builtFor() {
		Properties properties = new Properties();
		try (InputStream in = BootLineCheck.class.getClassLoader().getResourceAsStream(BUILT_FOR)) {
			if (in == null) {
				throw new IllegalStateException(BUILT_FOR + " is missing from Baton's auto-configuration jar");
			}
			properties.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return properties;
	}

}
