package dev.baton.test;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RedisTestServersTests {

	@Test
	void startsTwoIndependentServersAtOnce() {
		List<RedisTestServer> servers = RedisTestServers.start(2);
		try {
			assertThat(servers.get(0).port()).isNotEqualTo(servers.get(1).port());
			set(servers.get(0), "who", "first");
			set(servers.get(1), "who", "second");
			assertThat(get(servers.get(0), "who")).isEqualTo("first");
			assertThat(get(servers.get(1), "who")).isEqualTo("second");
		}
		finally {
			servers.forEach(RedisTestServer::close);
		}
	}

	@Test
	void stopsAndRestartsOnTheSamePort() {
		try (RedisTestServer server = RedisTestServers.start()) {
			int port = server.port();
			set(server, "k", "v");
			server.stop();
			assertThat(server.isRunning()).isFalse();
			assertThat(ping(server)).isFalse();
			server.start();
			assertThat(server.isRunning()).isTrue();
			assertThat(server.port()).isEqualTo(port);
			assertThat(ping(server)).isTrue();
			// No persistence: a restarted server starts empty.
			assertThat(get(server, "k")).isNull();
		}
	}

	@Test
	void startsTheBinaryShippedInTheEmbeddedRedisJar() {
		RedisTestServers.Launcher launcher = RedisTestServers.chooseLauncher(() -> false, Optional::empty,
				RedisTestServers::embeddedBinary, Map.of());
		try (RedisTestServer server = launcher.launch()) {
			assertThat(server.kind()).contains("embedded-redis jar");
			assertThat(ping(server)).isTrue();
		}
	}

	@Test
	void prefersTheBinaryOnPath() {
		File onPath = new File("/opt/redis/redis-server");
		RedisTestServers.Launcher launcher = RedisTestServers.chooseLauncher(() -> false, () -> Optional.of(onPath),
				() -> Optional.of(new File("/tmp/embedded")), Map.of());
		assertThat(launcher).isNotNull();
		assertThatIllegalStateException().isThrownBy(() -> RedisTestServers.chooseLauncher(() -> false,
				() -> Optional.of(onPath), Optional::empty, Map.of("BATON_TEST_REDIS_BINARY", "embedded")))
			.withMessageContaining("skipped: BATON_TEST_REDIS_BINARY=embedded");
	}

	@Test
	void explainsClearlyWhenRedisCannotBeStarted() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisTestServers.chooseLauncher(() -> false, Optional::empty, Optional::empty, Map.of()))
			.withMessageContaining("No way to start Redis for tests")
			.withMessageContaining("BATON_TEST_REDIS_URL")
			.withMessageContaining("Docker")
			.withMessageContaining("redis-server");
	}

	@Test
	void sharedServerIsOneServerPerJvm() {
		assertThat(RedisTestServers.shared()).isSameAs(RedisTestServers.shared());
		assertThat(ping(RedisTestServers.shared())).isTrue();
	}

	private static void set(RedisTestServer server, String key, String value) {
		withTemplate(server, (template) -> {
			template.opsForValue().set(key, value);
			return null;
		});
	}

	private static String get(RedisTestServer server, String key) {
		return withTemplate(server, (template) -> template.opsForValue().get(key));
	}

	private static boolean ping(RedisTestServer server) {
		try {
			return "PONG".equals(withTemplate(server, (template) -> template.execute((
					org.springframework.data.redis.core.RedisCallback<String>) (connection) -> connection.ping())));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static <T> T withTemplate(RedisTestServer server,
			java.util.function.Function<StringRedisTemplate, T> action) {
		LettuceConnectionFactory factory = server.newConnectionFactory();
		try {
			return action.apply(new StringRedisTemplate(factory));
		}
		finally {
			factory.destroy();
		}
	}

}
