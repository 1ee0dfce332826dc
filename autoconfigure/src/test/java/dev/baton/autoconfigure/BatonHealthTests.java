package dev.baton.autoconfigure;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import io.lettuce.core.KillArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code baton} health indicator, on either Boot line: read through the line's own
 * {@code HealthIndicator} by reflection, since its package differs between the lines.
 */
class BatonHealthTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, DistributedLockAutoConfiguration.class,
				SingleFlightAutoConfiguration.class, BatonActuatorAutoConfiguration.class))
		.withConfiguration(BootAutoConfigurations.jackson());

	@Test
	void isUpWithNothingToReportWhenNoFeatureUsesRedis() {
		this.runner.run((context) -> {
			Health health = Health.of(context);
			assertThat(health.status()).isEqualTo("UP");
			assertThat(health.details()).isEmpty();
		});
	}

	@Test
	void goesDownWhenThePubSubConnectionIsKilledAndUpWhenItIsBack() {
		try (RedisTestServer redis = RedisTestServers.start()) {
			LettuceConnectionFactory admin = redis.newConnectionFactory();
			try (RedisConnection server = admin.getConnection()) {
				this.runner.withConfiguration(BootAutoConfigurations.redis())
					.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port())
					.run((context) -> {
						Health up = Health.of(context);
						assertThat(up.status()).isEqualTo("UP");
						assertThat(up.component("pubSub")).containsEntry("status", "UP").containsKey("roundTrip");

						// Refuse new connections (those open now stay), then kill the subscription's:
						// its reconnection is refused until the limit is lifted.
						long connected = Long.parseLong(server.serverCommands().info("clients").getProperty("connected_clients"));
						server.serverCommands().setConfig("maxclients", Long.toString(connected - 1));
						killPubSubClients(server);
						await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
							Health down = Health.of(context);
							assertThat(down.status()).isEqualTo("DOWN");
							assertThat(down.component("pubSub")).containsEntry("status", "DOWN")
								.hasEntrySatisfying("error", (error) -> assertThat(error.toString()).contains("did not come back"));
						});

						server.serverCommands().setConfig("maxclients", "10000");
						await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Health.of(context).status()).isEqualTo("UP"));
					});
			}
			finally {
				admin.destroy();
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static void killPubSubClients(RedisConnection server) throws Exception {
		((RedisAsyncCommands<byte[], byte[]>) server.getNativeConnection()).clientKill(KillArgs.Builder.typePubsub())
			.get(5, TimeUnit.SECONDS);
	}

	/** A health as either Boot line's {@code Health} gives it. */
	record Health(String status, Map<String, Object> details) {

		@SuppressWarnings("unchecked")
		static Health of(ApplicationContext context) throws ReflectiveOperationException {
			Object indicator = context.getBean("batonHealthIndicator");
			Object health;
			try {
				health = indicator.getClass().getMethod("health").invoke(indicator);
			}
			catch (InvocationTargetException ex) {
				throw new IllegalStateException(ex.getCause());
			}
			Object status = health.getClass().getMethod("getStatus").invoke(health);
			return new Health((String) status.getClass().getMethod("getCode").invoke(status),
					(Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health));
		}

		@SuppressWarnings("unchecked")
		Map<String, Object> component(String name) {
			return (Map<String, Object>) this.details.get(name);
		}

	}

}
