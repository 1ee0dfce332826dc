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

	/** How Baton names what it stores in Redis, and how it publishes notices there. */
	public static class Redis {

		/** First segment of every Redis key and channel Baton uses: {@code <prefix>:<feature>:{<key>}}. */
		private String keyPrefix = "baton";

		/**
		 * Whether lock releases and flight completions may go through sharded pub/sub (SPUBLISH on a
		 * channel of the key's slot) when the servers are a Redis Cluster of 7.0 or later: each notice
		 * then stays on the shard that owns the key instead of crossing the cluster bus to every node.
		 * Set it to false to keep plain pub/sub, for instance while instances of a Baton version
		 * without sharded notices run against the same cluster. No effect on standalone and Sentinel
		 * servers, which always use plain pub/sub.
		 */
		private boolean shardedPubSub = true;

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public boolean isShardedPubSub() {
			return this.shardedPubSub;
		}

		public void setShardedPubSub(boolean shardedPubSub) {
			this.shardedPubSub = shardedPubSub;
		}

	}

}
