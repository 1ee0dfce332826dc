package dev.baton.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import org.apache.commons.logging.Log;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets the demo run on a machine with no Redis: when neither {@code spring.data.redis.host}
 * nor {@code spring.data.redis.url} is set, starts a local {@code redis-server} (the one on
 * {@code PATH}, or the one shipped in the embedded-redis jar) on a free loopback port and
 * points the application at it ({@code sample.local-redis-port} fixes the port, so that other
 * instances can share it). With a Redis configured, it starts nothing. Turn it off with
 * {@code sample.local-redis=false}.
 */
class LocalRedisEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private final Log logger;

	LocalRedisEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(LocalRedisEnvironmentPostProcessor.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty("spring.data.redis.host") || environment.containsProperty("spring.data.redis.url")
				|| !environment.getProperty("sample.local-redis", Boolean.class, true)) {
			return;
		}
		int port = environment.getProperty("sample.local-redis-port", Integer.class, 0);
		port = (port != 0) ? port : FreePort.find();
		RedisServer server = start(port);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(server), "local-redis-stop"));
		environment.getPropertySources()
			.addFirst(new MapPropertySource("localRedis",
					Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", port)));
		this.logger.info("No Redis configured (spring.data.redis.host/url unset): started a local redis-server on "
				+ "127.0.0.1:" + port + ". Set spring.data.redis.host to use your own.");
	}

	private static RedisServer start(int port) {
		try {
			RedisServer server = RedisServer.newRedisServer()
				.executableProvider(executable())
				.bind("127.0.0.1")
				.port(port)
				.setting("save \"\"")
				.setting("appendonly no")
				.onShutdownForceStop(true)
				.build();
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start a local redis-server on port " + port
					+ "; set spring.data.redis.host to use an existing Redis", ex);
		}
	}

	private static ExecutableProvider executable() {
		try {
			File onPath = ExecutableProvider.newExecutableInPath("redis-server").get();
			return () -> onPath;
		}
		catch (IOException ex) {
			return ExecutableProvider.newJarResourceProvider();
		}
	}

	private static void stopQuietly(RedisServer server) {
		try {
			server.stop();
		}
		catch (IOException ex) {
			// The JVM is exiting; the forced stop on shutdown covers what is left.
		}
	}

}
