package dev.baton.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Connection factories of the Redlock masters named in {@code baton.lock.redlock.nodes}. A
 * master that is down rejects commands at once instead of queueing them, so it costs a
 * quorum round nothing but its absence.
 */
final class RedlockMasters implements DisposableBean {

	private final List<LettuceConnectionFactory> factories;

	RedlockMasters(List<String> nodes, Duration commandTimeout) {
		if (nodes.size() < 3) {
			throw new IllegalArgumentException(
					"baton.lock.redlock.nodes needs at least 3 independent masters, got " + nodes.size());
		}
		this.factories = nodes.stream().map((node) -> factory(node, commandTimeout)).toList();
	}

	List<LettuceConnectionFactory> factories() {
		return this.factories;
	}

	private static LettuceConnectionFactory factory(String node, Duration commandTimeout) {
		URI uri;
		try {
			uri = URI.create(node);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("baton.lock.redlock.nodes: '" + node + "' is not a redis:// URL", ex);
		}
		if (uri.getHost() == null || !("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))) {
			throw new IllegalArgumentException("baton.lock.redlock.nodes: '" + node + "' is not a redis:// URL");
		}
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(),
				(uri.getPort() > 0) ? uri.getPort() : 6379);
		if (uri.getUserInfo() != null) {
			String[] user = uri.getUserInfo().split(":", 2);
			if (user.length == 2) {
				server.setUsername(user[0].isEmpty() ? null : user[0]);
				server.setPassword(user[1]);
			}
			else {
				server.setPassword(user[0]);
			}
		}
		LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
			.commandTimeout(commandTimeout)
			.clientOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.timeoutOptions(TimeoutOptions.enabled())
				.build());
		if ("rediss".equals(uri.getScheme())) {
			client.useSsl();
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client.build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@Override
	public void destroy() {
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

}
