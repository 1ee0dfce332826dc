package dev.baton.autoconfigure;

import java.time.Duration;

import dev.baton.annotation.OnTimeout;

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

	/**
	 * What @KeyedMutex methods whose annotation sets no onTimeout do when the wait runs out:
	 * {@code throw} the timeout exception, or {@code skip} the method (it returns nothing).
	 */
	private OnTimeout onTimeout = OnTimeout.THROW;

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

	public OnTimeout getOnTimeout() {
		return this.onTimeout;
	}

	public void setOnTimeout(OnTimeout onTimeout) {
		this.onTimeout = onTimeout;
	}

}
