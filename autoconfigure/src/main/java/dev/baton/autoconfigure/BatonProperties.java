package dev.baton.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings common to every Baton feature ({@code baton.*}). Each feature has its own
 * properties class under its own prefix ({@code baton.lock.*}, {@code baton.mutex.*}, ...).
 */
@ConfigurationProperties("baton")
public class BatonProperties {

	/** Whether Baton is on at all. {@code false} creates none of its beans or aspects. */
	private boolean enabled = true;

	private final Redis redis = new Redis();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Redis getRedis() {
		return this.redis;
	}

	/** How Baton names what it stores in Redis. */
	public static class Redis {

		/** First segment of every Redis key and channel Baton uses: {@code <prefix>:<feature>:{<key>}}. */
		private String keyPrefix = "baton";

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

	}

}
