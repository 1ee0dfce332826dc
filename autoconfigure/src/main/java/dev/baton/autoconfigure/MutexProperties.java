package dev.baton.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the keyed mutex ({@code baton.mutex.*}).
 */
@ConfigurationProperties("baton.mutex")
public class MutexProperties {

	/** Whether waiters for a key are served strictly in arrival order; {@code false} lets arriving callers barge in, for throughput. */
	private boolean fair = true;

	/** How long {@code @KeyedMutex} methods wait for their key when the annotation sets no {@code waitTime}. */
	private Duration waitTime = Duration.ofSeconds(5);

	public boolean isFair() {
		return this.fair;
	}

	public void setFair(boolean fair) {
		this.fair = fair;
	}

	public Duration getWaitTime() {
		return this.waitTime;
	}

	public void setWaitTime(Duration waitTime) {
		this.waitTime = waitTime;
	}

}
