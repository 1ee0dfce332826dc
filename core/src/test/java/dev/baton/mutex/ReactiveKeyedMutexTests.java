package dev.baton.mutex;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ReactiveKeyedMutexTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	private final KeyedMutexPool pool = new KeyedMutexPool();

	private final Scheduler twoThreads = Schedulers.newParallel("mutex-test", 2);

	@AfterEach
	void stop() {
		this.twoThreads.dispose();
	}

	/** BlockHound ({@code dev.baton.test.BlockHoundInstallation}) fails any blocking call on the two threads. */
	@Test
	void servesTenThousandSubscriptionsOnAHundredKeysFromTwoThreadsWithoutBlockingThem() {
		AtomicIntegerArray inSection = new AtomicIntegerArray(100);
		AtomicInteger overlaps = new AtomicInteger();
		Flux<Integer> all = Flux.range(0, 10_000)
			.flatMap((i) -> this.pool.withMutex("key-" + (i % 100), LONG, Mono.defer(() -> {
				if (inSection.incrementAndGet(i % 100) != 1) {
					overlaps.incrementAndGet();
				}
				return Mono.delay(Duration.ofMillis(1), this.twoThreads)
					.doOnNext((tick) -> inSection.decrementAndGet(i % 100))
					.thenReturn(i);
			})), 10_000)
			.subscribeOn(this.twoThreads);
		StepVerifier.create(all).expectNextCount(10_000).expectComplete().verify(Duration.ofSeconds(60));
		assertThat(overlaps).hasValue(0);
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void cancellingAWaitingSubscriberFreesItsPlace() throws Exception {
		AtomicBoolean cancelledRan = new AtomicBoolean();
		MutexPermit held = this.pool.lock("user-1");
		Disposable cancelled = this.pool
			.withMutex("user-1", LONG, Mono.fromRunnable(() -> cancelledRan.set(true)))
			.subscribe();
		AtomicBoolean nextRan = new AtomicBoolean();
		this.pool.withMutex("user-1", LONG, Mono.fromRunnable(() -> nextRan.set(true))).subscribe();
		cancelled.dispose();
		held.close();
		assertThat(nextRan).isTrue();
		assertThat(cancelledRan).isFalse();
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void cancellingTheOnlyWaiterRemovesTheEntryWithTheLastRelease() throws Exception {
		MutexPermit held = this.pool.lock("user-1");
		this.pool.tryLockAsync("user-1", LONG).subscribe().dispose();
		held.close();
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void timeoutCompletesEmptyAndWithMutexFailsWithMutexTimeoutException() throws Exception {
		try (MutexPermit held = this.pool.lock("user-1")) {
			StepVerifier.create(this.pool.tryLockAsync("user-1", Duration.ofMillis(20))).verifyComplete();
			StepVerifier.create(this.pool.tryLockAsync("user-1", Duration.ZERO)).verifyComplete();
			StepVerifier.create(this.pool.withMutex("user-1", Duration.ofMillis(20), Mono.just("never")))
				.verifyError(MutexTimeoutException.class);
		}
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void releasesWhenTheActionFails() {
		StepVerifier.create(this.pool.withMutex("user-1", LONG, Mono.error(new IllegalStateException("boom"))))
			.verifyErrorMessage("boom");
		assertThat(this.pool.size()).isZero();
	}

	@Test
	void reactiveAndBlockingHoldersExcludeEachOther() throws Exception {
		MutexPermit reactive = this.pool.tryLockAsync("user-1", LONG).block(LONG);
		assertThat(this.pool.tryLock("user-1", Duration.ZERO)).isEmpty();
		reactive.close();
		try (MutexPermit blocking = this.pool.lock("user-1")) {
			StepVerifier.create(this.pool.tryLockAsync("user-1", Duration.ZERO)).verifyComplete();
		}
	}

	@Test
	void cancellationRacingWithTheGrantNeverLeavesTheMutexHeld() throws Exception {
		Scheduler racer = Schedulers.newParallel("racer", 1);
		try {
			for (int i = 0; i < 5_000; i++) {
				MutexPermit held = this.pool.lock("user-1");
				Disposable waiter = this.pool.withMutex("user-1", LONG, Mono.just(i)).subscribe();
				CountDownLatch disposed = new CountDownLatch(1);
				racer.schedule(() -> {
					waiter.dispose();
					disposed.countDown();
				});
				held.close();
				assertThat(disposed.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(this.pool.size()).as("entries after round %d", i).isZero();
			}
		}
		finally {
			racer.dispose();
		}
	}

}
