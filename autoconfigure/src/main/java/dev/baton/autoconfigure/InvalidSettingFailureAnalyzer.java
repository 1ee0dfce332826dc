package dev.baton.autoconfigure;

import java.util.Map;

import dev.baton.InvalidSettingException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Names the property behind a feature's setting that cannot work ({@code leaseTime} is
 * {@code baton.lock.lease-time}): the features speak of their own settings, only this layer knows
 * the property names.
 */
class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

	/** Settings whose property is not their name in kebab case under {@code baton.<feature>}. */
	private static final Map<String, String> PROPERTIES = Map.of("ai.requestsPerPeriod",
			"baton.ai.requests-per-minute", "ai.tokensPerPeriod", "baton.ai.tokens-per-minute", "lock.redlockNodes",
			"baton.lock.redlock.nodes");

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
		String property = property(cause.getFeature(), cause.getSetting());
		return new FailureAnalysis("Invalid value for '" + property + "': " + cause.getMessage(),
				"Review the value of the property '" + property + "'.", cause);
	}

	static String property(String feature, String setting) {
		String name = feature + "." + setting;
		return PROPERTIES.getOrDefault(name,
				"baton." + feature + "." + setting.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase());
	}

}
