package dev.baton.mutex;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import dev.baton.BatonException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class KeyedMutexPoolTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	private final KeyedMutexPool pool = new KeyedMutexPool();

	private final ExecutorService executor = Executors.newCachedThreadPool();

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
	}

	@Test
	void sameKeyExcludesOtherThreadsWhileOtherKeysStayFree() throws Exception {
		try (MutexPermit held = this.pool.lock("user-1")) {
			assertThat(elsewhere(() -> this.pool.tryLock("user-1", Duration.ZERO))).isEmpty();
			Optional<MutexPermit> other = elsewhere(() -> this.pool.tryLock("user-2", Duration.ZERO));
			assertThat(other).isPresent();
			other.get().close();
		}
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void entriesExistOnlyWhileHeld() throws Exception {
		assertThat(this.pool.size()).isZero();
		MutexPermit permit = this.pool.lock("user-1");
		assertThat(this.pool.size()).isOne();
		permit.close();
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void isReentrantForTheHoldingThread() throws Exception {
		MutexPermit outer = this.pool.lock("user-1");
		MutexPermit inner = this.pool.tryLock("user-1", Duration.ZERO).orElseThrow();
		inner.close();
		assertThat(elsewhere(() -> this.pool.tryLock("user-1", Duration.ZERO))).isEmpty();
		outer.close();
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void closeIsIdempotentAndWorksOnAnotherThread() throws Exception {
		MutexPermit permit = this.pool.lock("user-1");
		elsewhere(() -> {
			permit.close();
			permit.close();
			return null;
		});
		assertThat(permit.isReleased()).isTrue();
		assertThat(this.pool.size()).isZero();
		try (MutexPermit again = this.pool.tryLock("user-1", Duration.ZERO).orElseThrow()) {
			assertThat(again.getKey()).isEqualTo("user-1");
		}
	}

	@Test
	void fairPoolServesWaitersInArrivalOrder() throws Exception {
		List<Integer> order = new CopyOnWriteArrayList<>();
		MutexPermit held = this.pool.lock("user-1");
		List<Future<?>> waiters = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 5; i++) {
			int index = i;
			AtomicReference<Thread> thread = new AtomicReference<>();
			waiters.add(this.executor.submit(() -> {
				thread.set(Thread.currentThread());
				try (MutexPermit permit = this.pool.lock("user-1")) {
					order.add(index);
				}
				return null;
			}));
			await().until(() -> thread.get() != null && thread.get().getState() == Thread.State.WAITING);
		}
		held.close();
		for (Future<?> waiter : waiters) {
			waiter.get();
		}
		assertThat(order).containsExactly(0, 1, 2, 3, 4);
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void timeoutLeavesNothingBehind() throws Exception {
		MutexPermit held = this.pool.lock("user-1");
		assertThat(elsewhere(() -> this.pool.tryLock("user-1", Duration.ofMillis(50)))).isEmpty();
		held.close();
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void interruptionGivesUpTheWaitAndLeavesNothingBehind() throws Exception {
		MutexPermit held = this.pool.lock("user-1");
		AtomicReference<Thread> thread = new AtomicReference<>();
		Future<MutexPermit> waiter = this.executor.submit(() -> {
			thread.set(Thread.currentThread());
			return this.pool.lock("user-1");
		});
		await().until(() -> thread.get() != null && thread.get().getState() == Thread.State.WAITING);
		thread.get().interrupt();
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class).isThrownBy(waiter::get)
			.withCauseInstanceOf(InterruptedException.class);
		held.close();
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void withMutexReleasesWhenTheActionThrows() {
		assertThatIllegalStateException().isThrownBy(() -> this.pool.withMutex("user-1", LONG, () -> {
			assertThat(this.pool.size()).isOne();
			throw new IllegalStateException("boom");
		}));
		assertThat(this.pool.size()).isZero();
		assertThat(this.pool.withMutex("user-1", LONG, () -> "ran")).isEqualTo("ran");
	}

	@Test
	void withMutexTimesOutNamingTheMutexTheKeyAndTheWait() throws Exception {
		KeyedMutexPool orders = this.pool.named("OrderService.place");
		try (MutexPermit held = this.pool.lock("user-1")) {
			MutexTimeoutException timeout = elsewhere(() -> {
				try {
					orders.withMutex("user-1", Duration.ofMillis(20), () -> "never");
					return null;
				}
				catch (MutexTimeoutException ex) {
					return ex;
				}
			});
			assertThat(timeout).isInstanceOf(BatonException.class)
				.hasMessageContaining("OrderService.place")
				.hasMessageContaining("user-1")
				.hasMessageContaining("PT0.02S");
			assertThat(timeout.getName()).isEqualTo("OrderService.place");
			assertThat(timeout.getKey()).isEqualTo("user-1");
			assertThat(timeout.getWaited()).isEqualTo(Duration.ofMillis(20));
		}
	}

	@Test
	void nonFairPoolStillExcludesAndServesEveryWaiter() throws Exception {
		KeyedMutexPool nonFair = new KeyedMutexPool(false, MutexObserver.NONE);
		int[] counter = new int[1];
		List<CompletableFuture<Void>> workers = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 8; i++) {
			workers.add(CompletableFuture.runAsync(() -> {
				for (int j = 0; j < 2_000; j++) {
					nonFair.withMutex("hot", LONG, () -> counter[0]++);
				}
			}, this.executor));
		}
		CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();
		assertThat(counter[0]).isEqualTo(16_000);
		assertThat(nonFair.size()).isZero();
	}

	@Test
	void observerHearsWaitsAndHolds() throws Exception {
		List<String> heard = new CopyOnWriteArrayList<>();
		KeyedMutexPool observed = new KeyedMutexPool(true, new MutexObserver() {

			@Override
			public void waited(String name, Outcome outcome, long nanos) {
				heard.add(name + ":" + outcome);
			}

			@Override
			public void held(String name, long nanos) {
				heard.add(name + ":held");
			}

		}).named("orders");
		try (MutexPermit permit = observed.lock("user-1")) {
			elsewhere(() -> observed.tryLock("user-1", Duration.ZERO));
		}
		assertThat(heard).containsExactly("orders:ACQUIRED", "orders:TIMEOUT", "orders:held");
	}

	private <T> T elsewhere(java.util.concurrent.Callable<T> action) throws Exception {
		return this.executor.submit(action).get();
	}

}
