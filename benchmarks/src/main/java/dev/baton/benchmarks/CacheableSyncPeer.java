package dev.baton.benchmarks;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Spring's cache abstraction as a peer: one application context per instance, a
 * {@code @Cacheable(sync = true)} method over a {@link RedisCacheManager}. {@code sync} hands
 * the load to {@code Cache.get(key, valueLoader)}; whether concurrent callers wait for one
 * load is up to the cache's writer.
 */
final class CacheableSyncPeer implements AutoCloseable {

	private final AnnotationConfigApplicationContext context;

	private final Catalog catalog;

	/**
	 * @param locking whether the cache writer takes Spring Data Redis's cache-wide Redis lock
	 * around a load (it waits for that lock by sleeping and retrying); the default writer takes none
	 */
	CacheableSyncPeer(RedisConnectionFactory connectionFactory, boolean locking) {
		this.context = new AnnotationConfigApplicationContext();
		this.context.registerBean(RedisCacheConfiguration.class, () -> RedisCacheConfiguration.defaultCacheConfig()
			.entryTtl(Duration.ofMinutes(1))
			.prefixCacheNameWith(locking ? "bench-spring-locking:" : "bench-spring:"));
		this.context.registerBean(RedisConnectionFactory.class, () -> connectionFactory);
		this.context.registerBean(RedisCacheWriter.class, () -> locking
				? RedisCacheWriter.lockingRedisCacheWriter(connectionFactory)
				: RedisCacheWriter.nonLockingRedisCacheWriter(connectionFactory));
		this.context.register(CachingConfiguration.class);
		this.context.refresh();
		this.catalog = this.context.getBean(Catalog.class);
	}

	String get(String key, Callable<String> loader) throws Exception {
		return this.catalog.load(key, loader);
	}

	@Override
	public void close() {
		this.context.close();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

		@Bean
		RedisCacheManager cacheManager(RedisCacheWriter writer, RedisCacheConfiguration defaults) {
			return RedisCacheManager.builder(writer).cacheDefaults(defaults).build();
		}

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

	/** The cached method; the loader is an argument so that the benchmark can count its runs. */
	public static class Catalog {

		@Cacheable(cacheNames = "products", key = "#key", sync = true)
		public String load(String key, Callable<String> loader) throws Exception {
			return loader.call();
		}

	}

}
