package dev.baton.test;

import java.time.Duration;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One real Redis server used by tests: an external one, a container, or a local
 * {@code redis-server} process. Obtain one from {@link RedisTestServers}.
 */
public interface RedisTestServer extends AutoCloseable {

	String host();

	int port();

	/** {@code redis://host:port}. */
	default String url() {
		return "redis://" + host() + ":" + port();
	}

	/** How this server was provided, for test logs: {@code external}, {@code container}, {@code process (...)}. */
	String kind();

	boolean isRunning();

	/**
	 * Stops the server (a fault test's "Redis went down").
	 * @throws UnsupportedOperationException for an external server, which tests do not own
	 */
	void stop();

	/** Starts a stopped server again on the same host and port. */
	void start();

	/** Stops the server for good. */
	@Override
	default void close() {
		if (isRunning()) {
			stop();
		}
	}

	/**
	 * A new, started Lettuce connection factory for this server: every test "instance" gets
	 * its own. The caller destroys it.
	 */
	default LettuceConnectionFactory newConnectionFactory() {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(2))
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(host(), port()), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** The Spring Boot properties that point an application context at this server. */
	default String[] springProperties() {
		return new String[] { "spring.data.redis.host=" + host(), "spring.data.redis.port=" + port() };
	}

}
