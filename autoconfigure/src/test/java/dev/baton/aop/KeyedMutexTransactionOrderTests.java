package dev.baton.aop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import dev.baton.annotation.KeyedMutex;
import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.KeyedMutexAutoConfiguration;
import dev.baton.mutex.KeyedMutexPool;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

class KeyedMutexTransactionOrderTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				KeyedMutexAutoConfiguration.class))
		.withUserConfiguration(Transactions.class);

	@Test
	void theMutexIsReleasedOnlyAfterTheTransactionCommitted() {
		this.runner.run((context) -> {
			Ledger ledger = context.getBean(Ledger.class);
			ledger.book("alice");
			assertThat(ledger.seenAtCommit()).containsExactly("transaction active, mutex held", "committed, mutex held");
			assertThat(context.getBean(KeyedMutexPool.class).size()).isZero();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class Transactions {

		@Bean
		DataSource dataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		}

		@Bean
		DataSourceTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		Ledger ledger(KeyedMutexPool pool) {
			return new Ledger(pool);
		}

	}

	public static class Ledger {

		final List<String> seenAtCommit = new CopyOnWriteArrayList<>();

		private final KeyedMutexPool pool;

		Ledger(KeyedMutexPool pool) {
			this.pool = pool;
		}

		@KeyedMutex(key = "#userId")
		@Transactional
		public void book(String userId) {
			this.seenAtCommit.add((TransactionSynchronizationManager.isActualTransactionActive() ? "transaction active"
					: "no transaction") + ", " + held());
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					Ledger.this.seenAtCommit.add("committed, " + held());
				}

			});
		}

		public List<String> seenAtCommit() {
			return this.seenAtCommit;
		}

		private String held() {
			return (this.pool.size() == 1) ? "mutex held" : "mutex free";
		}

	}

}
