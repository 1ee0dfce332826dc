package dev.baton.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.baton.aop.DistributedLockAspect;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LocalLockRegistry;
import dev.baton.lock.RedisLockRegistry;
import dev.baton.lock.RedlockRegistry;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;


import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class DistributedLockAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(BootAutoConfigurations.redis())
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				DistributedLockAutoConfiguration.class));

	@Test
	void usesTheApplicationsRedisWithDefaults() {
		this.runner.withPropertyValues(RedisTestServers.shared().springProperties()).run((context) -> {
			assertThat(context).hasSingleBean(RedisLockRegistry.class).hasSingleBean(DistributedLockAspect.class);
			LockProperties properties = context.getBean(LockProperties.class);
			assertThat(properties.getLeaseTime()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.getWaitTime()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getHandoffBudget()).isEqualTo(64);
			DistributedLockRegistry registry = context.getBean(DistributedLockRegistry.class);
			assertThat(registry.withLock("auto", Duration.ofSeconds(1), () -> "ran")).isEqualTo("ran");
		});
	}

	@Test
	void bindsLockProperties() {
		this.runner.withPropertyValues(RedisTestServers.shared().springProperties())
			.withPropertyValues("baton.lock.lease-time=10s", "baton.lock.wait-time=250ms",
					"baton.lock.handoff-budget=2", "baton.lock.on-lost=log", "baton.lock.store-timeout=1s")
			.run((context) -> {
				LockProperties properties = context.getBean(LockProperties.class);
				assertThat(properties.getLeaseTime()).isEqualTo(Duration.ofSeconds(10));
				assertThat(properties.getWaitTime()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getHandoffBudget()).isEqualTo(2);
				assertThat(properties.getOnLost()).isEqualTo(LockProperties.OnLost.LOG);
				assertThat(properties.getStoreTimeout()).isEqualTo(Duration.ofSeconds(1));
			});
	}

	@Test
	void fallsBackToLocalLocksWithAWarningWithoutRedis(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
					DistributedLockAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(LocalLockRegistry.class);
				assertThat(output).contains("do NOT exclude other instances");
			});
	}

	@Test
	void usesRedlockWhenNodesAreSet() {
		List<RedisTestServer> masters = RedisTestServers.start(3);
		try {
			this.runner.withPropertyValues(RedisTestServers.shared().springProperties())
				.withPropertyValues("baton.lock.redlock.nodes=" + String.join(",", masters.stream().map(RedisTestServer::url).toList()))
				.run((context) -> {
					assertThat(context).hasSingleBean(RedlockRegistry.class).doesNotHaveBean(RedisLockRegistry.class);
					assertThat(context.getBean(DistributedLockRegistry.class)
						.withLock("redlock", Duration.ofSeconds(1), () -> "ran")).isEqualTo("ran");
				});
		}
		finally {
			masters.forEach(RedisTestServer::close);
		}
	}

	@Test
	void refusesFewerThanThreeRedlockNodesNamingTheProperty() {
		this.runner.withPropertyValues("baton.lock.redlock.nodes=redis://127.0.0.1:1,redis://127.0.0.1:2")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("baton.lock.redlock.nodes"));
	}

	@Test
	void backsOffWhenTheUserDefinesARegistry() {
		this.runner.withPropertyValues(RedisTestServers.shared().springProperties())
			.withBean("myLocks", DistributedLockRegistry.class, LocalLockRegistry::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(DistributedLockRegistry.class).doesNotHaveBean(RedisLockRegistry.class);
				assertThat(context).getBean("myLocks").isInstanceOf(LocalLockRegistry.class);
			});
	}

	@Test
	void registersLockMetersWithAMeterRegistry() {
		this.runner.withPropertyValues(RedisTestServers.shared().springProperties())
			.withConfiguration(BootAutoConfigurations.metrics())
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("baton.lock.active").gauge()).isNotNull();
				assertThat(meters.get("baton.lock.renewals").functionCounter()).isNotNull();
				assertThat(meters.get("baton.lock.lost").functionCounter()).isNotNull();
			});
	}

	@Test
	void createsNothingWhenBatonIsDisabled() {
		this.runner.withPropertyValues(RedisTestServers.shared().springProperties())
			.withPropertyValues("baton.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DistributedLockRegistry.class)
				.doesNotHaveBean(DistributedLockAspect.class));
	}

	@Test
	void aRedlockNodeUrlsPasswordNeverReachesTheMessage() {
		this.runner
			.withPropertyValues("baton.lock.redlock.nodes=ftp://admin:s3cret-pw@10.0.0.1:6379,redis://:pw2@h:1,redis://h:2")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("ftp://admin:****@10.0.0.1:6379")
				.message()
				.doesNotContain("s3cret-pw"));
		assertThat(RedlockMasters.redacted("redis://:pw@host:6379")).isEqualTo("redis://:****@host:6379");
		assertThat(RedlockMasters.redacted("rediss://onlypassword@host")).isEqualTo("rediss://****@host");
		assertThat(RedlockMasters.redacted("redis://host:6379")).isEqualTo("redis://host:6379");
	}

}
