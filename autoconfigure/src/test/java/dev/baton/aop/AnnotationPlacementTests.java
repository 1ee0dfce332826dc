package dev.baton.aop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.annotation.DistributedLock;
import dev.baton.annotation.KeyedMutex;
import dev.baton.annotation.SingleFlight;
import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.BootAutoConfigurations;
import dev.baton.autoconfigure.DistributedLockAutoConfiguration;
import dev.baton.autoconfigure.KeyedMutexAutoConfiguration;
import dev.baton.autoconfigure.SingleFlightAutoConfiguration;
import dev.baton.lock.LockContext;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexPermit;
import dev.baton.mutex.MutexTimeoutException;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.AliasFor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The three annotations where Spring users put them: on interface methods, on superclass methods
 * the bean overrides, and inside their own composed annotations; through JDK proxies
 * ({@code spring.aop.proxy-target-class=false}) and CGLIB ones. Each case asserts the guard ran:
 * a fencing token, mutual exclusion, one load. What no proxy can apply fails the start-up.
 */
class AnnotationPlacementTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(BootAutoConfigurations.redis())
		.withConfiguration(BootAutoConfigurations.jackson())
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				KeyedMutexAutoConfiguration.class, DistributedLockAutoConfiguration.class,
				SingleFlightAutoConfiguration.class))
		.withPropertyValues(RedisTestServers.shared().springProperties())
		.withPropertyValues("baton.redis.key-prefix=placement" + System.nanoTime());

	@ParameterizedTest(name = "proxy-target-class={0}")
	@ValueSource(booleans = { false, true })
	void interfaceDeclaredAnnotationsGuardTheImplementation(boolean subclassing) {
		this.runner.withPropertyValues("spring.aop.proxy-target-class=" + subclassing)
			.withBean(InventoryService.class)
			.run((context) -> assertGuarded(context, context.getBean(Inventory.class), subclassing));
	}

	@ParameterizedTest(name = "proxy-target-class={0}")
	@ValueSource(booleans = { false, true })
	void superclassDeclaredAnnotationsGuardTheOverridingMethods(boolean subclassing) {
		this.runner.withPropertyValues("spring.aop.proxy-target-class=" + subclassing)
			.withBean(CatalogService.class)
			.run((context) -> assertGuarded(context, context.getBean(Inventory.class), subclassing));
	}

	@ParameterizedTest(name = "proxy-target-class={0}")
	@ValueSource(booleans = { false, true })
	void composedAnnotationsWithAliasedAttributesGuardLikeTheirMetaAnnotation(boolean subclassing) {
		this.runner.withPropertyValues("spring.aop.proxy-target-class=" + subclassing)
			.withBean(ComposedService.class)
			.run((context) -> assertGuarded(context, context.getBean(Inventory.class), subclassing));
	}

	@ParameterizedTest(name = "proxy-target-class={0}")
	@ValueSource(booleans = { false, true })
	void aFinalClassIsGuardedThroughItsInterfaceOrRefusedAtStartUp(boolean subclassing) {
		this.runner.withPropertyValues("spring.aop.proxy-target-class=" + subclassing)
			.withBean(FinalInventory.class)
			.run((context) -> {
				if (subclassing) {
					assertThat(context).hasFailed()
						.getFailure()
						.rootCause()
						.hasMessageContaining("@DistributedLock on AnnotationPlacementTests.InventoryService.reserve(String)")
						.hasMessageContaining("class FinalInventory is final");
				}
				else {
					assertGuarded(context, context.getBean(Inventory.class), false);
				}
			});
	}

	@ParameterizedTest(name = "proxy-target-class={0}")
	@ValueSource(booleans = { false, true })
	void failsStartUpForMethodsNoProxyCanInterceptNamingThem(boolean subclassing) {
		this.runner.withPropertyValues("spring.aop.proxy-target-class=" + subclassing)
			.withBean(PrivateMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("@KeyedMutex on AnnotationPlacementTests.PrivateMethod.place(String)")
				.hasMessageContaining("private"));
		this.runner.withPropertyValues("spring.aop.proxy-target-class=" + subclassing)
			.withBean(FinalMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("@SingleFlight on AnnotationPlacementTests.FinalMethod.load(String)")
				.hasMessageContaining("final"));
	}

	@ParameterizedTest(name = "proxy-target-class={0}")
	@ValueSource(booleans = { false, true })
	void packagePrivateAndProtectedMethodsAreGuardedThroughTheSubclass(boolean subclassing) {
		this.runner.withPropertyValues("spring.aop.proxy-target-class=" + subclassing)
			.withBean(NonPublicMethods.class)
			.run((context) -> {
				NonPublicMethods service = context.getBean(NonPublicMethods.class);
				assertThat(AopUtils.isCglibProxy(service)).isTrue();
				assertThat(service.packagePrivate()).isPositive();
				assertThat(service.inherited()).isPositive();
			});
	}

	@Test
	void guardsWithoutSpringBootsAopAutoConfiguration() {
		new ApplicationContextRunner().withConfiguration(BootAutoConfigurations.redis())
			.withConfiguration(BootAutoConfigurations.jackson())
			.withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, KeyedMutexAutoConfiguration.class,
					DistributedLockAutoConfiguration.class, SingleFlightAutoConfiguration.class))
			.withPropertyValues(RedisTestServers.shared().springProperties())
			.withPropertyValues("baton.redis.key-prefix=placement" + System.nanoTime())
			.withBean(InventoryService.class)
			.run((context) -> assertGuarded(context, context.getBean(Inventory.class), false));
	}

	private static void assertGuarded(AssertableApplicationContext context, Inventory inventory, boolean subclassing)
			throws Exception {
		assertThat(context).hasNotFailed();
		assertThat(subclassing ? AopUtils.isCglibProxy(inventory) : AopUtils.isJdkDynamicProxy(inventory)).isTrue();
		// @DistributedLock: the method ran holding the lock.
		assertThat(inventory.reserve("lamp")).isPositive();
		// @KeyedMutex: while someone holds the key, a call waits, then times out.
		MutexPermit held = context.getBean(KeyedMutexPool.class)
			.tryLockAsync("lamp", Duration.ZERO)
			.block(Duration.ofSeconds(5));
		try {
			assertThatExceptionOfType(CompletionException.class)
				.isThrownBy(() -> CompletableFuture.supplyAsync(() -> inventory.hold("lamp")).join())
				.withCauseInstanceOf(MutexTimeoutException.class);
		}
		finally {
			held.close();
		}
		assertThat(CompletableFuture.supplyAsync(() -> inventory.hold("lamp")).get()).isEqualTo("held lamp");
		// @SingleFlight: one load, the second call is served the stored result.
		assertThat(inventory.stock("lamp")).isEqualTo("stock of lamp #1");
		assertThat(inventory.stock("lamp")).isEqualTo("stock of lamp #1");
		assertThat(inventory.loads()).isEqualTo(1);
	}

	public interface Inventory {

		@DistributedLock(key = "'sku:' + #sku")
		long reserve(String sku);

		@KeyedMutex(key = "#sku", waitTime = "50ms")
		String hold(String sku);

		@SingleFlight(key = "'stock:' + #sku", ttl = "1m")
		String stock(String sku);

		int loads();

	}

	static class InventoryService implements Inventory {

		private final AtomicInteger loads = new AtomicInteger();

		@Override
		public long reserve(String sku) {
			return LockContext.fencingToken().orElse(-1);
		}

		@Override
		public String hold(String sku) {
			return "held " + sku;
		}

		@Override
		public String stock(String sku) {
			return "stock of " + sku + " #" + this.loads.incrementAndGet();
		}

		@Override
		public int loads() {
			return this.loads.get();
		}

	}

	/** An interface without annotations: they are on the superclass. */
	public interface Plain {

		long reserve(String sku);

	}

	abstract static class BaseCatalog implements Inventory {

		@DistributedLock(key = "'sku:' + #sku")
		public abstract long reserve(String sku);

		@KeyedMutex(key = "#sku", waitTime = "50ms")
		public String hold(String sku) {
			return "base";
		}

		@SingleFlight(key = "'stock:' + #sku", ttl = "1m")
		public abstract String stock(String sku);

	}

	static class CatalogService extends BaseCatalog {

		private final AtomicInteger loads = new AtomicInteger();

		@Override
		public long reserve(String sku) {
			return LockContext.fencingToken().orElse(-1);
		}

		@Override
		public String hold(String sku) {
			return "held " + sku;
		}

		@Override
		public String stock(String sku) {
			return "stock of " + sku + " #" + this.loads.incrementAndGet();
		}

		@Override
		public int loads() {
			return this.loads.get();
		}

	}

	@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
	@Retention(RetentionPolicy.RUNTIME)
	@DistributedLock(waitTime = "2s")
	public @interface SkuLock {

		@AliasFor(annotation = DistributedLock.class, attribute = "key")
		String value();

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@KeyedMutex(key = "")
	public @interface PerSku {

		@AliasFor(annotation = KeyedMutex.class, attribute = "key")
		String value();

		@AliasFor(annotation = KeyedMutex.class, attribute = "waitTime")
		String patience() default "50ms";

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@SingleFlight(key = "", ttl = "1m")
	public @interface SharedLoad {

		@AliasFor(annotation = SingleFlight.class, attribute = "key")
		String value();

	}

	/** Two levels: an annotation composed of a composed annotation. */
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@SkuLock("")
	public @interface ReserveLock {

		@AliasFor(annotation = SkuLock.class, attribute = "value")
		String sku();

	}

	static class ComposedService implements Inventory {

		private final AtomicInteger loads = new AtomicInteger();

		@Override
		@ReserveLock(sku = "'sku:' + #sku")
		public long reserve(String sku) {
			return LockContext.fencingToken().orElse(-1);
		}

		@Override
		@PerSku("#sku")
		public String hold(String sku) {
			return "held " + sku;
		}

		@Override
		@SharedLoad("'stock:' + #sku")
		public String stock(String sku) {
			return "stock of " + sku + " #" + this.loads.incrementAndGet();
		}

		@Override
		public int loads() {
			return this.loads.get();
		}

	}

	abstract static class Base {

		@DistributedLock(key = "'inherited'")
		protected long inherited() {
			return LockContext.fencingToken().orElse(-1);
		}

	}

	static class NonPublicMethods extends Base {

		@DistributedLock(key = "'package-private'")
		long packagePrivate() {
			return LockContext.fencingToken().orElse(-1);
		}

	}

	static final class FinalInventory extends InventoryService {

	}

	static class PrivateMethod {

		public String order(String user) {
			return place(user);
		}

		@KeyedMutex(key = "#user")
		private String place(String user) {
			return user;
		}

	}

	static class FinalMethod {

		@SingleFlight(key = "#sku")
		public final String load(String sku) {
			return sku;
		}

	}

}
