package dev.baton.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.annotation.DistributedLock;
import dev.baton.annotation.OnTimeout;
import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.BootAutoConfigurations;
import dev.baton.autoconfigure.DistributedLockAutoConfiguration;
import dev.baton.lock.LockObserver;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The job ShedLock's {@code @SchedulerLock} exists for: three instances, one Redis, the same
 * {@code @Scheduled} method on each; it must run once per tick across the three, and the
 * instances that lose the race must stay quiet.
 */
class ScheduledJobTests {

	private static final String RUNS = "scheduled-job-test:runs:" + System.nanoTime();

	/** When each instance's lock was acquired, in milliseconds of this JVM's monotonic clock. */
	private static final List<Long> ACQUIRED = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(BootAutoConfigurations.redis())
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				DistributedLockAutoConfiguration.class))
		.withPropertyValues(RedisTestServers.shared().springProperties())
		.withPropertyValues("baton.redis.key-prefix=jobs" + System.nanoTime())
		.withUserConfiguration(Jobs.class);

	@Test
	void threeInstancesRunAFastJobOncePerTickAndLogNoErrors() {
		ListAppender<ILoggingEvent> logs = captureLogs();
		List<Long> runs = new ArrayList<>();
		List<Long> acquired = new ArrayList<>();
		try {
			this.runner.run((first) -> this.runner.run((second) -> this.runner.run((third) -> {
				StringRedisTemplate redis = first.getBean(StringRedisTemplate.class);
				await().atMost(Duration.ofSeconds(40)).until(() -> span(ACQUIRED) >= 10_000);
				acquired.addAll(ACQUIRED);
				runs.addAll(runs(redis));
				// The run is what is checked, not the shutdown: a tick still acquiring while the
				// contexts close finds Redis's connection closed, as any job that needs a closed
				// resource does, and the scheduler logs it.
				detach(logs);
			})));
		}
		finally {
			detach(logs);
		}
		// Every acquisition ran the body once (counted in Redis), give or take the one in flight.
		assertThat(runs.size()).isBetween(acquired.size() - 1, acquired.size() + 1);
		List<Long> gaps = new ArrayList<>();
		for (int i = 1; i < acquired.size(); i++) {
			gaps.add(acquired.get(i) - acquired.get(i - 1));
		}
		// Never twice in one tick: each run holds the lock 400 ms, however fast its body. (Gaps are
		// taken where the lock was acquired: a body timestamp would add the thread's scheduling delay.)
		assertThat(gaps).allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(400L));
		// Never a tick without a run: one of the three instances ticks within a period of the
		// release, so there are as many runs as periods (allowing 100 ms of scheduling per tick).
		assertThat((long) gaps.size()).isGreaterThanOrEqualTo(span(acquired) / 600);
		assertThat(logs.list).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.ERROR)).isEmpty();
		assertThat(logs.list).filteredOn((event) -> event.getThrowableProxy() != null).isEmpty();
	}

	private static List<Long> runs(StringRedisTemplate redis) {
		List<String> runs = redis.opsForList().range(RUNS, 0, -1);
		return (runs != null) ? runs.stream().map(Long::valueOf).toList() : List.of();
	}

	private static long span(List<Long> runs) {
		return runs.isEmpty() ? 0 : runs.get(runs.size() - 1) - runs.get(0);
	}

	private static ListAppender<ILoggingEvent> captureLogs() {
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
		appender.start();
		root().addAppender(appender);
		return appender;
	}

	private static void detach(ListAppender<ILoggingEvent> appender) {
		root().detachAppender(appender);
		appender.stop();
	}

	private static Logger root() {
		return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class Jobs {

		@Bean
		ReportJob reportJob(StringRedisTemplate redis) {
			return new ReportJob(redis);
		}

		@Bean
		LockObserver acquisitions() {
			return new LockObserver() {

				@Override
				public void waited(String name, Outcome outcome, long nanos) {
					if (outcome == Outcome.ACQUIRED) {
						ACQUIRED.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
					}
				}

			};
		}

	}

	static class ReportJob {

		private final StringRedisTemplate redis;

		ReportJob(StringRedisTemplate redis) {
			this.redis = redis;
		}

		@Scheduled(fixedRate = 500)
		@DistributedLock(key = "'report'", waitTime = "0s", onTimeout = OnTimeout.SKIP, holdAtLeast = "400ms")
		public void report() throws InterruptedException {
			this.redis.opsForList().rightPush(RUNS, Long.toString(System.currentTimeMillis()));
			Thread.sleep(20); // the job's work
		}

	}

}
