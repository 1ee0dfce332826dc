package dev.baton.sample;

import java.util.Map;

import org.apache.commons.logging.Log;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * With the {@code fake-ai} profile, {@code baton.ai.base-url} names the application's own port.
 * The AI client is built before the web server binds, so a random port ({@code server.port=0},
 * as in {@code @SpringBootTest(webEnvironment = RANDOM_PORT)}) would still read {@code 0} there:
 * this picks a free port up front instead, and the server and the client agree on it.
 */
class FakeAiPortEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private final Log logger;

	FakeAiPortEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(FakeAiPortEnvironmentPostProcessor.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.acceptsProfiles(Profiles.of("fake-ai"))
				|| environment.getProperty("server.port", Integer.class, 8080) != 0) {
			return;
		}
		int port = FreePort.find();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("fakeAiPort", Map.of("server.port", port)));
		this.logger.debug("server.port=0 with the fake-ai profile: using free port " + port);
	}

}
