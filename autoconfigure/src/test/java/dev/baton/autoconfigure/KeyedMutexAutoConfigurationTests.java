package dev.baton.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.annotation.KeyedMutex;
import dev.baton.aop.KeyExpressionEvaluator;
import dev.baton.aop.KeyedMutexAspect;
import dev.baton.aop.KeyedMutexValidator;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexObserver;
import dev.baton.mutex.MutexPermit;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class KeyedMutexAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
					KeyedMutexAutoConfiguration.class));

	@Test
	void createsAFairPoolTheAspectAndTheValidator() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(KeyedMutexPool.class)
				.hasSingleBean(KeyedMutexAspect.class)
				.hasSingleBean(KeyedMutexValidator.class)
				.hasSingleBean(KeyExpressionEvaluator.class)
				.doesNotHaveBean(MutexObserver.class);
			assertThat(context.getBean(KeyedMutexPool.class).isFair()).isTrue();
			assertThat(context.getBean(MutexProperties.class).getWaitTime()).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@Test
	void bindsProperties() {
		this.runner.withPropertyValues("baton.mutex.fair=false", "baton.mutex.wait-time=250ms").run((context) -> {
			assertThat(context.getBean(KeyedMutexPool.class).isFair()).isFalse();
			assertThat(context.getBean(MutexProperties.class).getWaitTime()).isEqualTo(Duration.ofMillis(250));
		});
	}

	@Test
	void rejectsANegativeWaitTimeNamingTheProperty() {
		this.runner.withPropertyValues("baton.mutex.wait-time=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("baton.mutex.wait-time"));
	}

	@Test
	void backsOffWhenTheUserDefinesTheirOwnPool() {
		this.runner.withUserConfiguration(OwnPool.class).run((context) -> {
			assertThat(context).hasSingleBean(KeyedMutexPool.class);
			assertThat(context.getBean(KeyedMutexPool.class).getName()).isEqualTo("mine");
		});
	}

	@Test
	void createsNothingWhenBatonIsDisabled() {
		this.runner.withPropertyValues("baton.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(KeyedMutexPool.class)
				.doesNotHaveBean(KeyedMutexAspect.class)
				.doesNotHaveBean(KeyedMutexValidator.class));
	}

	@Test
	void recordsMetersByNameAndOutcomeWithMicrometer() {
		this.runner
			.withConfiguration(BootAutoConfigurations.metrics())
			.withBean(Checkout.class)
			.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			KeyedMutexPool pool = context.getBean(KeyedMutexPool.class);
			context.getBean(Checkout.class).pay("alice");
			assertThat(registry.get("baton.mutex.wait")
				.tag("name", "checkout")
				.tag("outcome", "acquired")
				.functionTimer()
				.count()).isOne();
			assertThat(registry.get("baton.mutex.held").tag("name", "checkout").functionTimer()).isNotNull();
			assertThat(registry.get("baton.mutex.keys").gauge().value()).isZero();
			try (MutexPermit held = pool.lock("alice")) {
				assertThat(registry.get("baton.mutex.keys").gauge().value()).isOne();
			}
			assertThat(registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
				.noneMatch((tag) -> tag.getValue().equals("alice")));
		});
	}

	@Test
	void countsEveryWaitExactlyAndTimesASampleOfHolds() {
		this.runner.withConfiguration(BootAutoConfigurations.metrics()).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			KeyedMutexPool pool = context.getBean(KeyedMutexPool.class).named("orders");
			int holds = 25_600;
			for (int i = 0; i < holds; i++) {
				pool.lock("user-" + (i % 10)).close();
			}
			try (MutexPermit held = pool.lock("busy")) {
				CompletableFuture.runAsync(() -> assertThat(tryFor(pool, "busy", Duration.ofMillis(50))).isFalse()).get();
			}
			FunctionTimer acquired = registry.get("baton.mutex.wait").tags("name", "orders", "outcome", "acquired")
				.functionTimer();
			FunctionTimer timeouts = registry.get("baton.mutex.wait").tags("name", "orders", "outcome", "timeout")
				.functionTimer();
			FunctionTimer held = registry.get("baton.mutex.held").tag("name", "orders").functionTimer();
			assertThat(acquired.count()).isEqualTo(holds + 1);
			assertThat(timeouts.count()).isOne();
			assertThat(timeouts.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(50.0);
			// One hold in 256, at random: 100 expected; 6 standard deviations either way.
			assertThat(held.count()).isBetween(40.0, 160.0);
			assertThat(held.mean(TimeUnit.NANOSECONDS)).isPositive();
		});
	}

	@Test
	void registersMetersOncePerNameNeverPerCall() {
		this.runner.withConfiguration(BootAutoConfigurations.metrics()).withBean(Checkout.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Checkout checkout = context.getBean(Checkout.class);
			checkout.pay("warm-up");
			AtomicInteger added = new AtomicInteger();
			registry.config().onMeterAdded((meter) -> added.incrementAndGet());
			int before = registry.getMeters().size();
			for (int i = 0; i < 1_000; i++) {
				checkout.pay("user-" + i);
			}
			assertThat(added).hasValue(0);
			assertThat(registry.getMeters()).hasSize(before);
		});
	}

	private static boolean tryFor(KeyedMutexPool pool, String key, Duration wait) {
		try {
			return pool.tryLock(key, wait).isPresent();
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnPool {

		@Bean
		KeyedMutexPool ownPool() {
			return new KeyedMutexPool().named("mine");
		}

	}

	public static class Checkout {

		@KeyedMutex(key = "#userId", name = "checkout")
		public void pay(String userId) {
		}

	}

}
