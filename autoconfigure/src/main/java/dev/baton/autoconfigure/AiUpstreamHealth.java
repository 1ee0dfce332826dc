package dev.baton.autoconfigure;

import java.time.Duration;
import java.time.Instant;

import dev.baton.ai.AiGatewayMetrics;

/**
 * The AI upstream's last outcome, as the client saw it, without calling the upstream (a health
 * check must not spend the budget). Always UP: an upstream failing is the upstream's health, not
 * the application's; the details say what the last call got.
 */
final class AiUpstreamHealth implements AiGatewayMetrics, BatonHealth.Component {

	private volatile Last last;

	@Override
	public void requestCompleted(String model, String outcome, Duration duration) {
		this.last = new Last(model, outcome, Instant.now(), duration);
	}

	@Override
	public String name() {
		return "ai";
	}

	@Override
	public BatonHealth.Report check() {
		Last seen = this.last;
		if (seen == null) {
			return BatonHealth.Report.up(BatonHealth.Report.details("lastOutcome", "no call yet"));
		}
		return BatonHealth.Report.up(BatonHealth.Report.details("lastOutcome", seen.outcome(), "lastModel", seen.model(),
				"lastCallEnded", seen.at().toString(), "lastCallTook", seen.took().toMillis() + "ms"));
	}

	private record Last(String model, String outcome, Instant at, Duration took) {
	}

}
