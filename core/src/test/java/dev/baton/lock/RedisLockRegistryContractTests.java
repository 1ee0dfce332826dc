package dev.baton.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The registry contract on one Redis; store faults on a server of the suite's own. */
class RedisLockRegistryContractTests extends LockRegistryContractTests implements StoreFaultContract {

	private static RedisTestServer faulty;

	private final Map<RedisTestServer, StringRedisTemplate> templates = new ConcurrentHashMap<>();

	private final String prefix = "c" + System.nanoTime();

	@AfterAll
	static void stopFaultyServer() {
		if (faulty != null) {
			faulty.close();
			faulty = null;
		}
	}

	@Override
	AbstractLockRegistry newInstance(LockOptions options) {
		return registry(RedisTestServers.shared(), options);
	}

	@Override
	public AbstractLockRegistry newFaultyInstance(LockOptions options) {
		return registry(faulty(), options);
	}

	@Override
	public void stopStore() {
		faulty().stop();
	}

	@Override
	public void startStore() {
		faulty().start();
	}

	@Override
	public void pauseStore(Duration pause) {
		byte[] millis = Long.toString(pause.toMillis()).getBytes(StandardCharsets.UTF_8);
		template(faulty()).execute((RedisCallback<Object>) (connection) -> connection
			.execute("CLIENT", "PAUSE".getBytes(StandardCharsets.UTF_8), millis));
	}

	@Override
	public boolean heldInStore(String key) {
		return Boolean.TRUE.equals(template(faulty()).hasKey(this.prefix + ":lock:{" + key + "}"));
	}

	private static synchronized RedisTestServer faulty() {
		if (faulty == null) {
			faulty = RedisTestServers.start();
		}
		return faulty;
	}

	private RedisLockRegistry registry(RedisTestServer server, LockOptions options) {
		return closeLater(new RedisLockRegistry(factory(server), new RedisKeyspace(this.prefix), null, options));
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
