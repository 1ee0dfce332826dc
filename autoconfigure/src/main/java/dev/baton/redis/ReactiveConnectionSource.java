package dev.baton.redis;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * One long-lived reactive connection of a factory, opened when the source is created (on the
 * thread building the feature, never lazily on an event loop) or, if Redis is down then, on
 * first use. Lettuce multiplexes every command over the factory's one shared native
 * connection, so one is all a feature needs.
 */
public final class ReactiveConnectionSource {

	private static final Logger logger = LoggerFactory.getLogger(ReactiveConnectionSource.class);

	private final ReactiveRedisConnectionFactory factory;

	private volatile ReactiveRedisConnection connection;

	/**
	 * @param connectionFactory a factory that is also a {@link ReactiveRedisConnectionFactory}
	 * (Lettuce's is)
	 * @throws IllegalArgumentException if it is not
	 */
	public ReactiveConnectionSource(RedisConnectionFactory connectionFactory) {
		if (!(connectionFactory instanceof ReactiveRedisConnectionFactory reactive)) {
			throw new IllegalArgumentException("Baton needs a Redis connection factory that is also a "
					+ "ReactiveRedisConnectionFactory (Lettuce's is), got " + connectionFactory.getClass().getName());
		}
		this.factory = reactive;
		try {
			get().ping().block(Duration.ofSeconds(5));
		}
		catch (RuntimeException ex) {
			logger.warn("Redis not reachable yet ({}); Baton will connect on first use", ex.getMessage());
		}
	}

	/** The connection, opening it if it is not open yet. */
	public ReactiveRedisConnection get() {
		ReactiveRedisConnection current = this.connection;
		if (current == null) {
			synchronized (this) {
				current = this.connection;
				if (current == null) {
					current = this.factory.getReactiveConnection();
					this.connection = current;
				}
			}
		}
		return current;
	}

}
