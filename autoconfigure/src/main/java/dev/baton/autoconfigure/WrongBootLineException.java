package dev.baton.autoconfigure;

import dev.baton.BatonException;

/**
 * Baton's auto-configuration for one Spring Boot line found itself in an application on another.
 * {@link WrongBootLineFailureAnalyzer} reports it as the one reason the application did not start.
 */
public class WrongBootLineException extends BatonException {

	private final String starter;

	WrongBootLineException(String builtFor, String artifact, String running, String starter) {
		super("dev.baton:" + artifact + " is built for Spring Boot " + line(builtFor) + ", but this application runs "
				+ "Spring Boot " + running + ": depend on dev.baton:" + starter + " (or " + starter
				+ "-locks for locks, mutex and single-flight only) instead");
		this.starter = starter;
	}

	/** @return the starter of the running Boot line ({@code baton-spring-boot4-starter}) */
	public String getStarter() {
		return this.starter;
	}

	private static String line(String version) {
		int second = version.indexOf('.', version.indexOf('.') + 1);
		return (second < 0) ? version : version.substring(0, second) + ".x";
	}

}
