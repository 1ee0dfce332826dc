package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.redis.ScriptConnection;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under sustained contention from several instances no waiter starves: between asking for the
 * lock and getting it, a waiter sees a bounded number of other acquisitions, whatever the
 * timing. The bound comes from the fair queue in Redis and the local hand-off budget.
 */
class LockFairnessTests {

	private static final int INSTANCES = 3;

	private static final int THREADS_PER_INSTANCE = 2;

	private static final int BUDGET = 4;

	private static final Duration LEASE = Duration.ofSeconds(5);

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedisLockRegistry> registries = new ArrayList<>();

	private final List<RedisPubSubHub> hubs = new ArrayList<>();

	@AfterEach
	void tearDown() {
		this.registries.forEach(RedisLockRegistry::close);
		this.hubs.forEach(RedisPubSubHub::destroy);
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void everyWaiterGetsTheLockWithinABoundedNumberOfOtherAcquisitions() throws Exception {
		String prefix = "fair" + System.nanoTime();
		AtomicLong acquisitions = new AtomicLong();
		int rounds = 150;
		long[][] overtakes = new long[INSTANCES * THREADS_PER_INSTANCE][rounds];
		long[] counts = new long[overtakes.length];
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			LettuceConnectionFactory factory = RedisTestServers.shared().newConnectionFactory();
			this.factories.add(factory);
			RedisLockRegistry registry = new RedisLockRegistry(factory, new RedisKeyspace(prefix), null,
					new LockOptions(java.time.Duration.ofSeconds(30), BUDGET, true));
			this.registries.add(registry);
			for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
				int slot = i * THREADS_PER_INSTANCE + t;
				threads.add(new Thread(() -> {
					DistributedLock lock = registry.obtain("contended");
					awaitQuietly(start);
					for (int round = 0; round < rounds; round++) {
						long asked = acquisitions.get();
						lock.lock();
						try {
							overtakes[slot][(int) counts[slot]] = acquisitions.getAndIncrement() - asked;
							counts[slot]++;
						}
						finally {
							lock.unlock();
						}
					}
				}));
			}
		}
		threads.forEach(Thread::start);
		start.countDown();
		for (Thread thread : threads) {
			thread.join(120_000);
		}
		assertThat(acquisitions.get()).isEqualTo((long) rounds * threads.size());
		// A cohort is one acquisition from Redis plus at most BUDGET local hand-offs. Ahead of a
		// waiter: the holder's cohort, every other instance's cohort queued in Redis, one of them
		// possibly queued again after the holder's, and the local waiters ahead in its own JVM.
		long bound = (BUDGET + 1L) * (INSTANCES + 1) + THREADS_PER_INSTANCE;
		// A thread descheduled between reading the counter and queueing counts acquisitions it
		// did not wait for, so a rare sample says more about the machine than about the lock:
		// the bound holds for 99% of acquisitions. Without the budget (one instance keeping the
		// lock) most waiters see 50 to 95 here.
		long[] all = java.util.Arrays.stream(overtakes).flatMapToLong(java.util.Arrays::stream).sorted().toArray();
		assertThat(all[(int) Math.ceil(all.length * 0.99) - 1]).isLessThanOrEqualTo(bound);
		assertThat(counts).containsOnly(rounds);
	}

	@Test
	void aLockReleasedWhileSomeoneWaitsIsKeptForThatWaiterNotTakenByANewcomer() throws Exception {
		ReleasedToAWaiter released = releasedToAWaiter("kept");
		DistributedLock newcomer = released.newcomer();
		assertThat(newcomer.tryLock()).as("newcomer ahead of the queued waiter").isFalse();
		LockStore.Attempt waiter = released.waiterStore().acquire("sku", "waiter", LEASE, LEASE, 0, true).block();
		assertThat(waiter.acquired()).isTrue();
		assertThat(waiter.token()).isGreaterThan(released.holderToken());
		assertThat(released.waiterStore().release("sku", "waiter").block()).isTrue();
		assertThat(newcomer.tryLock()).isTrue();
		newcomer.unlock();
	}

	@Test
	void aDeadQueueHeadKeepsTheLockForTheLiveWaitersBehindItNotForNewcomers() {
		String prefix = "deadhead" + System.nanoTime();
		RedisLockStore store = storeOn(prefix);
		assertThat(store.acquire("sku", "holder", LEASE, Duration.ZERO, 0, false).block().acquired()).isTrue();
		// The head queues for 3 s and dies; a live waiter queues behind it.
		assertThat(store.acquire("sku", "dead", LEASE, Duration.ofSeconds(3), 0, false).block().acquired()).isFalse();
		assertThat(store.acquire("sku", "live", LEASE, LEASE, 0, false).block().acquired()).isFalse();
		assertThat(store.release("sku", "holder").block()).isTrue();
		// Woken by the release, the live waiter is told to come back when the dead head's entry lapses.
		LockStore.Attempt woken = store.acquire("sku", "live", LEASE, LEASE, 0, true).block();
		assertThat(woken.acquired()).isFalse();
		Duration untilLapse = woken.retryIn();
		assertThat(untilLapse).isGreaterThan(Duration.ofSeconds(2));
		await("no newcomer takes the lock ahead of the live waiter").pollInterval(Duration.ofMillis(50))
			.during(untilLapse.minusMillis(200))
			.atMost(untilLapse.plusSeconds(2))
			.until(() -> !store.acquire("sku", "newcomer", LEASE, Duration.ZERO, 0, false).block().acquired());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> store.acquire("sku", "live", LEASE, LEASE, 0, true).block().acquired());
		assertThat(store.release("sku", "live").block()).isTrue();
	}

	@Test
	void aLockKeptForAWaiterThatGaveUpIsFreeAgain() throws Exception {
		ReleasedToAWaiter released = releasedToAWaiter("gaveup");
		released.waiterStore().cancel("sku", "waiter").block();
		assertThat(released.newcomer().tryLock()).isTrue();
		released.newcomer().unlock();
	}

	/**
	 * A registry's holder of "sku" releases it while a waiter of another instance is queued; the
	 * waiter, played step by step through a bare store, asked once and has not come back yet.
	 */
	private ReleasedToAWaiter releasedToAWaiter(String name) throws Exception {
		String prefix = name + System.nanoTime();
		RedisLockStore waiterStore = storeOn(prefix);
		DistributedLock holder = registry(prefix).obtain("sku");
		holder.lock();
		long holderToken = holder.fencingToken();
		assertThat(waiterStore.acquire("sku", "waiter", LEASE, LEASE, 0, false).block().acquired()).isFalse();
		holder.unlock();
		return new ReleasedToAWaiter(waiterStore, registry(prefix).obtain("sku"), holderToken);
	}

	private record ReleasedToAWaiter(RedisLockStore waiterStore, DistributedLock newcomer, long holderToken) {
	}

	private RedisLockRegistry registry(String prefix) {
		RedisLockRegistry registry = new RedisLockRegistry(factory(), new RedisKeyspace(prefix), null,
				LockOptions.DEFAULTS);
		this.registries.add(registry);
		return registry;
	}

	/** A bare store, to play a waiter on another instance step by step. */
	private RedisLockStore storeOn(String prefix) {
		LettuceConnectionFactory factory = factory();
		RedisPubSubHub hub = new RedisPubSubHub(factory);
		this.hubs.add(hub);
		return new RedisLockStore(new ScriptConnection(factory), new RedisKeyspace(prefix), hub, LEASE);
	}

	private LettuceConnectionFactory factory() {
		LettuceConnectionFactory factory = RedisTestServers.shared().newConnectionFactory();
		this.factories.add(factory);
		return factory;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
