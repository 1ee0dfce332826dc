package dev.baton.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a Baton jar of the other Spring Boot line as the reason the application did not start. */
class WrongBootLineFailureAnalyzer extends AbstractFailureAnalyzer<WrongBootLineException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WrongBootLineException cause) {
		return new FailureAnalysis(cause.getMessage(), "Replace Baton's starter with dev.baton:" + cause.getStarter()
				+ " (and remove any other dev.baton:baton-spring-boot* artifact of the other line).", cause);
	}

}
