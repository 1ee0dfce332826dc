package dev.baton.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Micrometer Observations (spans under Micrometer Tracing) of Baton's features, made when the
 * application has an {@code ObservationRegistry} ({@code baton.observation.*}).
 */
@ConfigurationProperties("baton.observation")
public class ObservationProperties {

	/** Whether @DistributedLock waits and holds are observed ({@code baton.lock.wait}, {@code baton.lock.hold}). */
	private boolean locks = true;

	/** Whether single-flight calls that miss the local cache are observed ({@code baton.singleflight}). */
	private boolean flights = true;

	/** Whether AI gateway calls are observed ({@code gen_ai.client.operation}). */
	private boolean ai = true;

	/**
	 * Whether lock and flight observations carry the evaluated key as the high-cardinality value
	 * {@code baton.key} (never as a metric tag). Keys may hold user data: off by default.
	 */
	private boolean includeKeys = false;

	public boolean isLocks() {
		return this.locks;
	}

	public void setLocks(boolean locks) {
		this.locks = locks;
	}

	public boolean isFlights() {
		return this.flights;
	}

	public void setFlights(boolean flights) {
		this.flights = flights;
	}

	public boolean isAi() {
		return this.ai;
	}

	public void setAi(boolean ai) {
		this.ai = ai;
	}

	public boolean isIncludeKeys() {
		return this.includeKeys;
	}

	public void setIncludeKeys(boolean includeKeys) {
		this.includeKeys = includeKeys;
	}

}
