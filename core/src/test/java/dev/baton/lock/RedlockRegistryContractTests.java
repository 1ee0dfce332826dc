package dev.baton.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The registry contract on three independent masters. "The store down" is two of them down
 * (no quorum); a master's timeout longer than the waits under test, so that the caller's
 * deadline, not the master timeout, is what answers in time.
 */
class RedlockRegistryContractTests extends LockRegistryContractTests implements StoreFaultContract {

	private static List<RedisTestServer> masters;

	private final Map<RedisTestServer, StringRedisTemplate> templates = new ConcurrentHashMap<>();

	private final String prefix = "r" + System.nanoTime();

	@BeforeAll
	static void startMasters() {
		masters = RedisTestServers.start(3);
	}

	@AfterAll
	static void stopMasters() {
		masters.forEach(RedisTestServer::close);
	}

	@Override
	AbstractLockRegistry newInstance(LockOptions options) {
		List<LettuceConnectionFactory> nodes = masters.stream().map(this::factory).toList();
		return closeLater(new RedlockRegistry(nodes, new RedisKeyspace(this.prefix), options, Duration.ofSeconds(3)));
	}

	@Override
	public AbstractLockRegistry newFaultyInstance(LockOptions options) {
		return newInstance(options);
	}

	@Override
	public void stopStore() {
		masters.get(0).stop();
		masters.get(2).stop();
	}

	@Override
	public void startStore() {
		masters.get(0).start();
		masters.get(2).start();
	}

	@Override
	public void pauseStore(Duration pause) {
		byte[] millis = Long.toString(pause.toMillis()).getBytes(StandardCharsets.UTF_8);
		for (RedisTestServer master : masters) {
			template(master).execute((RedisCallback<Object>) (connection) -> connection
				.execute("CLIENT", "PAUSE".getBytes(StandardCharsets.UTF_8), millis));
		}
	}

	@Override
	public boolean heldInStore(String key) {
		return masters.stream()
			.anyMatch((master) -> Boolean.TRUE
				.equals(template(master).hasKey(this.prefix + ":lock:{" + key + "}")));
	}

	/** One template per server and test: asked often while a test waits. */
	private StringRedisTemplate template(RedisTestServer server) {
		return this.templates.computeIfAbsent(server, (key) -> new StringRedisTemplate(factory(key)));
	}

	private LettuceConnectionFactory factory(RedisTestServer server) {
		LettuceConnectionFactory factory = server.newConnectionFactory();
		closeLater(factory::destroy);
		return factory;
	}

}
