package dev.baton.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.ChildJvm;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Crashes, pauses and lost connections: the lock stays safe and says so when it is not. */
class LockFaultTests {

	private final String prefix = "f" + System.nanoTime();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void tearDown() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void anotherInstanceAcquiresOnlyOnceAKilledHoldersLeaseHasPassed() throws Exception {
		RedisTestServer server = RedisTestServers.shared();
		long leaseMillis = 1500;
		ChildJvm holder = child(server, "crash", leaseMillis);
		holder.awaitLine("ACQUIRED \\d+");
		// Read after the child took the lock, so this undercounts the time since acquisition.
		long acquiredBy = System.nanoTime();
		holder.kill();
		RedisLockRegistry survivor = registry(server, Duration.ofSeconds(30));
		assertThat(survivor.obtain("crash").tryLock()).as("free right after the kill").isFalse();
		DistributedLock lock = survivor.obtain("crash");
		assertThat(lock.tryLock(Duration.ofSeconds(10), null)).isTrue();
		long sinceAcquired = Duration.ofNanos(System.nanoTime() - acquiredBy).toMillis();
		lock.unlock();
		// The child's line reaches us a little after it acquired; allow for that, not for an
		// early grant (a lock handed over at the kill would show ~0 here).
		assertThat(sinceAcquired).isGreaterThanOrEqualTo(leaseMillis - 100).isLessThan(leaseMillis + 5000);
	}

	@Test
	void aPausedHoldersLateWriteIsRefusedByItsFencingToken() throws Exception {
		RedisTestServer server = RedisTestServers.shared();
		StringRedisTemplate redis = new StringRedisTemplate(factory(server));
		String store = this.prefix + ":store";
		// The child renews a 1 s lease with its watchdog; SIGSTOP freezes the watchdog too.
		ChildJvm holder = child(server, "pause", 0);
		long oldToken = Long.parseLong(holder.awaitLine("ACQUIRED \\d+").split(" ")[1]);
		holder.signal("STOP");
		RedisLockRegistry other = registry(server, Duration.ofSeconds(30));
		DistributedLock lock = other.obtain("pause");
		assertThat(lock.tryLock(Duration.ofSeconds(10), null)).isTrue();
		long newToken = lock.fencingToken();
		assertThat(newToken).isGreaterThan(oldToken);
		assertThat(FencedStore.write(redis, store, newToken, "parent")).isTrue();
		holder.signal("CONT");
		holder.send("WRITE");
		assertThat(holder.awaitLine("WROTE|REFUSED")).isEqualTo("REFUSED");
		assertThat(holder.awaitLine("RELEASED|LOST")).isEqualTo("LOST");
		assertThat(redis.<String, String>opsForHash().get(store, "value")).isEqualTo("parent");
		assertThat(lock.isHeldByCurrentThread()).isTrue();
		lock.unlock();
	}

	@Test
	void watchdogKeepsTheLockForASectionThreeLeasesLong() throws Exception {
		RedisTestServer server = RedisTestServers.shared();
		Duration lease = Duration.ofMillis(300);
		RedisLockRegistry registry = registry(server, lease);
		RedisLockRegistry rival = registry(server, lease);
		DistributedLock lock = registry.obtain("long");
		lock.lock();
		long token = lock.fencingToken();
		long end = System.nanoTime() + lease.multipliedBy(3).toNanos();
		int rivalAttempts = 0;
		while (System.nanoTime() < end) {
			assertThat(rival.obtain("long").tryLock(Duration.ofMillis(50), null)).isFalse();
			rivalAttempts++;
		}
		assertThat(rivalAttempts).isGreaterThan(3);
		assertThat(registry.renewals()).isGreaterThanOrEqualTo(6);
		assertThat(lock.isHeldByCurrentThread()).isTrue();
		assertThat(lock.fencingToken()).isEqualTo(token);
		lock.unlock();
		assertThat(registry.losses()).isZero();
		assertThat(rival.obtain("long").tryLock()).isTrue();
		rival.obtain("long").unlock();
	}

	@Test
	void marksTheHoldLostWhenTheWatchdogCannotReachRedis() throws Exception {
		RedisTestServer server = ownServer();
		RedisLockRegistry registry = registry(server, Duration.ofMillis(600));
		DistributedLock lock = registry.obtain("cut");
		lock.lock();
		server.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> registry.losses() == 1);
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		server.start();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::unlock);
		assertThat(registry.trackedKeys()).isZero();
		assertThat(registry.activeHolds()).isZero();
	}

	@Test
	void aFailedUnlockStillClearsLocalStateAndStopsRenewal() throws Exception {
		RedisTestServer server = ownServer();
		RedisLockRegistry registry = registry(server, Duration.ofMillis(300));
		DistributedLock lock = registry.obtain("stuck");
		lock.lock();
		server.stop();
		assertThatExceptionOfType(LockException.class).isThrownBy(lock::unlock);
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertThat(registry.trackedKeys()).isZero();
		long renewals = registry.renewals();
		server.start();
		// Nothing of this JVM is stuck: the key can be taken again, and no renewal runs on.
		assertThat(registry.obtain("stuck").tryLock(Duration.ofSeconds(5), null)).isTrue();
		registry.obtain("stuck").unlock();
		assertThat(registry.renewals()).isEqualTo(renewals);
	}

	@Test
	void aHolderThatHandedOffLocallyAndNeverReleasedIsStillFencedOut() throws Exception {
		RedisTestServer server = RedisTestServers.shared();
		LettuceConnectionFactory doomedConnection = factory(server);
		RedisLockRegistry doomed = new RedisLockRegistry(doomedConnection, new RedisKeyspace(this.prefix), null,
				new LockOptions(Duration.ofMillis(600), 8, true));
		this.closeables.add(doomed);
		DistributedLock first = doomed.obtain("handoff");
		first.lock();
		long firstToken = first.fencingToken();
		CompletableFuture<Long> handedTo = new CompletableFuture<>();
		Thread waiter = new Thread(() -> {
			DistributedLock second = doomed.obtain("handoff");
			second.lock();
			handedTo.complete(second.fencingToken());
			// Holds on: the instance "dies" with the lock handed to this thread.
		});
		waiter.setDaemon(true);
		waiter.start();
		// Parked in the local queue (a timed wait: lock() waits "forever" as a very long wait).
		await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
		first.unlock();
		long secondToken = handedTo.get(10, TimeUnit.SECONDS);
		assertThat(secondToken).as("handed over locally, without Redis").isEqualTo(firstToken + 1);
		// The instance dies: no unlock ever tells Redis how many tokens its hand-offs used.
		doomedConnection.destroy();
		DistributedLock next = registry(server, Duration.ofSeconds(30)).obtain("handoff");
		assertThat(next.tryLock(Duration.ofSeconds(10), null)).isTrue();
		assertThat(next.fencingToken()).isGreaterThan(secondToken);
		next.unlock();
	}

	@Test
	void localHandOffsStopSoonAfterRedisLostTheKey() throws Exception {
		RedisTestServer server = ownServer();
		StringRedisTemplate redis = new StringRedisTemplate(factory(server));
		// Renewed every 2 s: without a confirmation before hand-offs, they would go on until then.
		Duration lease = Duration.ofSeconds(6);
		RedisLockRegistry registry = new RedisLockRegistry(factory(server), new RedisKeyspace(this.prefix), null,
				new LockOptions(lease, 100_000, true));
		this.closeables.add(registry);
		// Two threads of one instance pass the lock to each other, by local hand-off.
		AtomicLong stopAt = new AtomicLong(System.nanoTime() + Duration.ofSeconds(20).toNanos());
		List<long[]> grants = new CopyOnWriteArrayList<>();
		Runnable contender = () -> {
			DistributedLock lock = registry.obtain("flushed");
			while (System.nanoTime() < stopAt.get()) {
				try {
					if (lock.tryLock(Duration.ofMillis(50), null)) {
						grants.add(new long[] { System.nanoTime(), lock.fencingToken() });
						// Released only once the other thread waits, so that it is a hand-off.
						KeyState state = registry.state("flushed");
						while (!state.hasWaiters() && System.nanoTime() < stopAt.get()) {
							Thread.yield();
						}
						lock.unlock();
					}
				}
				catch (LockException ex) {
					// The hold that finally goes back to Redis finds it lost.
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		};
		List<Thread> contenders = List.of(new Thread(contender), new Thread(contender));
		contenders.forEach(Thread::start);
		// The other instance is up before Redis loses the key, so that it asks at once.
		DistributedLock other = registry(server, Duration.ofSeconds(30)).obtain("flushed");
		await().atMost(Duration.ofSeconds(5)).until(() -> grants.size() > 20);
		// Redis loses every key (a restart without persistence, a failover), and another
		// instance takes the lock there.
		redis.execute((RedisCallback<Object>) (connection) -> {
			connection.serverCommands().flushAll();
			return null;
		});
		long lostAt = System.nanoTime();
		stopAt.set(lostAt + lease.toNanos() / 2);
		assertThat(other.tryLock(Duration.ofSeconds(5), null)).isTrue();
		long otherToken = other.fencingToken();
		for (Thread thread : contenders) {
			thread.join(10_000);
		}
		// Hand-offs of the lease Redis lost: their tokens are below the new holder's.
		long lastStale = grants.stream()
			.filter((grant) -> grant[1] < otherToken)
			.mapToLong((grant) -> grant[0])
			.max()
			.orElseThrow();
		Duration window = Duration.ofNanos(Math.max(lastStale - lostAt, 0));
		LoggerFactory.getLogger(LockFaultTests.class)
			.info("Local hand-offs went on for {} ms after Redis lost the key ({} grants in all)", window.toMillis(),
					grants.size());
		// The lease is confirmed before a hand-off once its last confirmation is a tenth of it old (600 ms here).
		assertThat(window).isLessThan(lease.dividedBy(10).plusMillis(200));
		assertThat(other.isHeldByCurrentThread()).isTrue();
		other.unlock();
	}

	@Test
	void aRegistryCreatedWhileRedisIsDownWorksOnceItIsUp() throws Exception {
		RedisTestServer server = ownServer();
		server.stop();
		RedisLockRegistry registry = registry(server, Duration.ofSeconds(30));
		assertThatExceptionOfType(LockUnavailableException.class)
			.isThrownBy(() -> registry.obtain("late-start").tryLock(Duration.ofSeconds(1), null));
		// On a non-blocking thread (BlockHound watches every test): connecting must not happen here.
		assertThatExceptionOfType(LockUnavailableException.class).isThrownBy(() -> registry
			.acquire("late-start", Duration.ofSeconds(1), null)
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(30)));
		server.start();
		// The connection opens on first use, off the caller's thread.
		lockOnceRedisAnswers(registry, "late-start");
		registry.obtain("late-start").unlock();
		assertThat(registry.trackedKeys()).isZero();
	}

	@Test
	void aConnectionStillOpeningCountsAgainstTheStoreTimeout() throws Exception {
		RedisTestServer server = ownServer();
		server.stop();
		RedisLockRegistry registry = new RedisLockRegistry(factory(server), new RedisKeyspace(this.prefix), null,
				new LockOptions(Duration.ofSeconds(30), 8, true, Duration.ofMillis(500)));
		this.closeables.add(registry);
		server.start();
		// Connecting succeeds, but Redis answers the new connection's handshake only after 4 s.
		new StringRedisTemplate(factory(server)).execute((RedisCallback<Object>) (connection) -> connection
			.execute("CLIENT", bytes("PAUSE"), bytes("4000")));
		long start = System.nanoTime();
		assertThatExceptionOfType(LockUnavailableException.class)
			.isThrownBy(() -> registry.obtain("opening").tryLock(Duration.ofMillis(100), null));
		// Without the deadline on the opening, the client's command timeout (2 s here) ends the handshake.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by the 500 ms store timeout")
			.isLessThan(Duration.ofMillis(1500));
		// The opening went on meanwhile: once Redis answers, the lock works.
		lockOnceRedisAnswers(registry, "opening");
		registry.obtain("opening").unlock();
	}

	@Test
	void anAcquireInterruptedInFlightLeavesNoLockBehindEvenWhenRedisForgotItsScript() throws Exception {
		RedisTestServer server = ownServer();
		StringRedisTemplate redis = new StringRedisTemplate(factory(server));
		RedisLockRegistry registry = registry(server, Duration.ofSeconds(30));
		DistributedLock lock = registry.obtain("forgotten");
		lock.lock();
		redis.execute((RedisCallback<Object>) (connection) -> {
			connection.scriptingCommands().scriptFlush();
			return null;
		});
		// Now Redis knows the release script again but not the acquire script: an EVALSHA of it
		// is answered NOSCRIPT and sent again as EVAL.
		lock.unlock();
		// Every command waits a second, so the next acquire is in flight when its thread is interrupted.
		redis.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT", bytes("PAUSE"),
				bytes("1000")));
		CompletableFuture<Object> outcome = new CompletableFuture<>();
		Thread taker = new Thread(() -> {
			try {
				outcome.complete(lock.tryLock(Duration.ofSeconds(3), null));
			}
			catch (Throwable ex) {
				outcome.complete(ex);
			}
		});
		taker.start();
		// Waiting for the store's answer (a timed wait: the caller's 3 s come before the store's timeout).
		await().until(() -> taker.getState() == Thread.State.TIMED_WAITING);
		taker.interrupt();
		assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
		// Answered once the pause is over, like every other command.
		redis.execute((RedisCallback<String>) (connection) -> connection.ping());
		String lockKey = this.prefix + ":lock:{forgotten}";
		await().until(() -> !redis.hasKey(lockKey));
		// The acquire it gave up on must not take the lock later, for nobody.
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !redis.hasKey(lockKey));
		assertThat(registry.obtain("forgotten").tryLock()).isTrue();
		registry.obtain("forgotten").unlock();
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/** Takes the lock on this thread as soon as Redis answers the registry. */
	private static void lockOnceRedisAnswers(RedisLockRegistry registry, String key) {
		await().pollInSameThread().atMost(Duration.ofSeconds(20)).until(() -> {
			try {
				return registry.obtain(key).tryLock(Duration.ofSeconds(1), null);
			}
			catch (LockUnavailableException ex) {
				return false;
			}
		});
	}

	/** A Redis of this test's own, which it may stop and start. */
	private RedisTestServer ownServer() {
		RedisTestServer server = RedisTestServers.start();
		this.closeables.add(server);
		return server;
	}

	private ChildJvm child(RedisTestServer server, String key, long leaseMillis) throws Exception {
		ChildJvm child = new ChildJvm(LockHolderProcess.class, server.host(), Integer.toString(server.port()),
				this.prefix, key, Long.toString(leaseMillis));
		this.closeables.add(child);
		return child;
	}

	private RedisLockRegistry registry(RedisTestServer server, Duration lease) {
		RedisLockRegistry registry = new RedisLockRegistry(factory(server), new RedisKeyspace(this.prefix), null,
				new LockOptions(lease, 8, true));
		this.closeables.add(registry);
		return registry;
	}

	private LettuceConnectionFactory factory(RedisTestServer server) {
		LettuceConnectionFactory factory = server.newConnectionFactory();
		this.factories.add(factory);
		return factory;
	}

}
