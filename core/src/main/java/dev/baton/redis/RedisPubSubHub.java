package dev.baton.redis;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * The one pub/sub subscription connection of a JVM: every Baton feature subscribes through it,
 * so a thousand waiters cost one connection, not a thousand. Backed by Spring Data Redis's
 * {@link RedisMessageListenerContainer}, which multiplexes channels over one connection and
 * re-subscribes after a reconnect.
 */
public final class RedisPubSubHub implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(RedisPubSubHub.class);

	private final RedisMessageListenerContainer container;

	private final boolean ownsContainer;

	/** A hub with its own container on {@code connectionFactory}, started now. */
	public RedisPubSubHub(RedisConnectionFactory connectionFactory) {
		this.container = new RedisMessageListenerContainer();
		this.container.setConnectionFactory(connectionFactory);
		// Listeners only complete futures; running them on the dispatch thread avoids a thread per message.
		this.container.setTaskExecutor(new SyncTaskExecutor());
		this.container.afterPropertiesSet();
		this.container.start();
		this.ownsContainer = true;
	}

	/** A hub on a container the caller manages. */
	public RedisPubSubHub(RedisMessageListenerContainer container) {
		this.container = container;
		this.ownsContainer = false;
	}

	/**
	 * Calls {@code listener} with the text of every message published on {@code channel}.
	 * Listeners run on the container's dispatch threads and must not block.
	 */
	public void subscribe(String channel, Consumer<String> listener) {
		try {
			this.container.addMessageListener(dispatcher(channel, listener), new ChannelTopic(channel));
		}
		catch (RuntimeException ex) {
			// Redis is down at start-up: the container subscribes once it can; until then waiters
			// fall back to their timed wake-up.
			logger.warn("Could not subscribe to {} yet: {}", channel, ex.getMessage());
		}
	}

	private static org.springframework.data.redis.connection.MessageListener dispatcher(String channel,
			Consumer<String> listener) {
		return (message, pattern) -> {
			try {
				listener.accept(new String(message.getBody(), StandardCharsets.UTF_8));
			}
			catch (RuntimeException ex) {
				logger.warn("Listener on channel {} failed", channel, ex);
			}
		};
	}

	@Override
	public void destroy() {
		if (this.ownsContainer) {
			try {
				this.container.destroy();
			}
			catch (Exception ex) {
				logger.debug("Closing the pub/sub container failed", ex);
			}
		}
	}

}
