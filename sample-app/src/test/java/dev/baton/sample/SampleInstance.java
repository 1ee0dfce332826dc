package dev.baton.sample;

import java.util.ArrayList;
import java.util.List;

import dev.baton.test.RedisTestServers;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** One more running instance of the app, on a random port and the shared test Redis. */
public record SampleInstance(ConfigurableApplicationContext context, String baseUrl) implements AutoCloseable {

	/** Starts an instance; {@code properties} are {@code name=value} pairs. */
	public static SampleInstance start(String... properties) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--sample.local-redis=false"));
		for (String property : RedisTestServers.shared().springProperties()) {
			args.add("--" + property);
		}
		for (String property : properties) {
			args.add("--" + property);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FlashSaleApplication.class)
			.run(args.toArray(String[]::new));
		// The property both Boot lines set once the server listens (its context type moved in Boot 4).
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		return new SampleInstance(context, "http://127.0.0.1:" + port);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
