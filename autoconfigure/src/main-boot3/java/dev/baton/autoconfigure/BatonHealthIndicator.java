package dev.baton.autoconfigure;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The {@code baton} health indicator on Boot 3.5 (spring-boot-actuator): {@link BatonHealth}'s report as this
 * line's {@code Health}. The only health class that differs between the lines.
 */
final class BatonHealthIndicator extends AbstractHealthIndicator {

	/** The health API this line's indicator needs on the class path. */
	static final String HEALTH_API = "org.springframework.boot.actuate.health.HealthIndicator";

	private final BatonHealth health;

	BatonHealthIndicator(BatonHealth health) {
		super("Baton health check failed");
		this.health = health;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		BatonHealth.Report report = this.health.check();
		(report.up() ? builder.up() : builder.down()).withDetails(report.details());
	}

}
