package dev.baton.aop;

import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import dev.baton.annotation.DistributedLock;
import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.BootAutoConfigurations;
import dev.baton.autoconfigure.DistributedLockAutoConfiguration;
import dev.baton.lock.LockOptions;
import dev.baton.lock.RedisLockRegistry;
import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code @DistributedLock} wraps {@code @Transactional}: the lock is released only after the commit. */
class DistributedLockTransactionTests {

	private static final String PREFIX = "tx" + System.nanoTime();

	@Test
	void releasesTheLockOnlyAfterTheTransactionCommits() {
		LettuceConnectionFactory otherFactory = RedisTestServers.shared().newConnectionFactory();
		try (RedisLockRegistry otherInstance = new RedisLockRegistry(otherFactory, new RedisKeyspace(PREFIX), null,
				LockOptions.DEFAULTS)) {
			new ApplicationContextRunner()
				.withConfiguration(BootAutoConfigurations.redis())
				.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
						DistributedLockAutoConfiguration.class))
				.withPropertyValues(RedisTestServers.shared().springProperties())
				.withPropertyValues("baton.redis.key-prefix=" + PREFIX)
				.withUserConfiguration(Transactions.class)
				.run((context) -> {
					OrderService orders = context.getBean(OrderService.class);
					AtomicReference<Boolean> otherCouldLockAtCommit = new AtomicReference<>();
					orders.place("o-1", () -> otherCouldLockAtCommit.set(tryElsewhere(otherInstance)));
					assertThat(otherCouldLockAtCommit.get()).as("another instance could take the lock at commit")
						.isFalse();
					assertThat(context.getBean(JdbcTemplate.class)
						.queryForObject("select count(*) from orders where id = 'o-1'", Integer.class)).isEqualTo(1);
					assertThat(tryElsewhere(otherInstance)).as("free once the method returned").isTrue();
				});
		}
		finally {
			otherFactory.destroy();
		}
	}

	private static boolean tryElsewhere(RedisLockRegistry registry) {
		dev.baton.lock.DistributedLock lock = registry.obtain("order:o-1");
		if (lock.tryLock()) {
			lock.unlock();
			return true;
		}
		return false;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class Transactions {

		@Bean
		DataSource dataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
				.generateUniqueName(true)
				.addScript("classpath:dev/baton/aop/orders.sql")
				.build();
		}

		@Bean
		PlatformTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		JdbcTemplate jdbcTemplate(DataSource dataSource) {
			return new JdbcTemplate(dataSource);
		}

		@Bean
		OrderService orderService(JdbcTemplate jdbc) {
			return new OrderService(jdbc);
		}

	}

	static class OrderService {

		private final JdbcTemplate jdbc;

		OrderService(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@DistributedLock(key = "'order:' + #id")
		@Transactional
		public void place(String id, Runnable afterCommit) {
			this.jdbc.update("insert into orders (id) values (?)", id);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					afterCommit.run();
				}
			});
		}

	}

}
