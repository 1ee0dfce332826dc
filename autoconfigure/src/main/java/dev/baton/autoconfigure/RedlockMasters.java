package dev.baton.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
			throw new IllegalArgumentException("baton.lock.redlock.nodes: '" + redacted(node) + "' is not a redis:// URL",
					ex);
		}
		if (uri.getHost() == null || !("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))) {
			throw new IllegalArgumentException("baton.lock.redlock.nodes: '" + redacted(node) + "' is not a redis:// URL");
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

	/**
	 * The URL without its password ({@code redis://user:****@host:6379}), for messages: a node's
	 * URL may carry its credentials, which must never reach a log or an exception.
	 */
	static String redacted(String node) {
		return USER_INFO.matcher(node).replaceFirst((match) -> match.group(1)
				+ ((match.group(3) != null) ? Matcher.quoteReplacement(match.group(2)) + ":****@" : "****@"));
	}

	/** The user info of a URL: scheme and "://" (1), then the user or the lone password (2), then ":" and a password (3). */
	private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^@/:]*)(:[^@/]*)?@");

}
