package dev.baton.mutex;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import dev.baton.BatonException;
import dev.baton.WaitObserver.Outcome;
import dev.baton.WaitRecorder;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

/**
 * Per-key mutual exclusion inside one JVM. Work on the same key runs one at a time; work on
 * different keys runs in parallel. A key's entry exists only while someone holds or waits for
 * it: it is created on demand and removed, atomically with its last release, when the last
 * holder or waiter leaves, so a million distinct keys leave nothing behind.
 * <ul>
 * <li>Re-entrant for the same thread (each acquisition has its own permit to close).</li>
 * <li>Fair by default: waiters for a key are served in arrival order, the mutex handed from
 * holder to waiter directly. Non-fair pools let an arriving caller take a just-freed mutex
 * before the woken waiter does, which trades order for throughput.</li>
 * <li>Blocking waits park the thread without holding a monitor; reactive waits are queued
 * callbacks, not parked threads. Timeouts, interruption and cancelled subscriptions leave
 * nothing held and nothing queued.</li>
 * </ul>
 * A pool has a name for its meters and exceptions; {@link #named(String)} gives a view that
 * shares the same mutexes under another name. Reactive holders are not re-entrant: a reactive
 * pipeline that asks again for a key it holds waits for itself.
 */
public final class KeyedMutexPool {

	/** The name of a pool that was not given one. */
	public static final String DEFAULT_NAME = "keyed-mutex";

	/**
	 * Slots of the lock-free fast path: keys hashed to different slots never meet there, so this
	 * is many times the keys a service holds at once, and costs 16 KB.
	 */
	static final int DEFAULT_SLOTS = 4_096;

	private final MutexTable table;

	private final String name;

	private final MutexObserver observer;

	/** This view's recorder, asked for once when the view is made; {@link WaitRecorder#NONE} reads no clock. */
	private final WaitRecorder recorder;

	/** A fair pool that observes nothing. */
	public KeyedMutexPool() {
		this(true, MutexObserver.NONE);
	}

	/**
	 * @param fair whether waiters for a key are served strictly in arrival order
	 * @param observer hears wait and hold times (see {@link MutexObserver#NONE})
	 */
	public KeyedMutexPool(boolean fair, MutexObserver observer) {
		this(fair, observer, DEFAULT_SLOTS);
	}

	/** With {@code slots} fast-path slots (a power of two); tests use one or two to force collisions. */
	KeyedMutexPool(boolean fair, MutexObserver observer, int slots) {
		this(new MutexTable(fair, slots), DEFAULT_NAME, observer);
	}

	private KeyedMutexPool(MutexTable table, String name, MutexObserver observer) {
		Assert.hasText(name, "name must not be empty");
		Assert.notNull(observer, "observer must not be null");
		this.table = table;
		this.name = name;
		this.observer = observer;
		this.recorder = (observer != MutexObserver.NONE) ? observer.recorder(name) : WaitRecorder.NONE;
	}

	/**
	 * A view of this pool under another name: the same mutexes (a key locked through one is
	 * locked through the other), with meters and exceptions naming {@code name}.
	 * @param name the name, e.g. the annotated method's
	 * @return the view
	 */
	public KeyedMutexPool named(String name) {
		return new KeyedMutexPool(this.table, name, this.observer);
	}

	/** This view's name. */
	public String getName() {
		return this.name;
	}

	/** Whether waiters are served strictly in arrival order. */
	public boolean isFair() {
		return this.table.isFair();
	}

	/** How many keys have an entry now: held or waited for. */
	public int size() {
		return this.table.size();
	}

	/**
	 * Takes the key's mutex, waiting at most {@code wait}.
	 * @param key the key
	 * @param wait how long to wait; {@link Duration#ZERO} tries once
	 * @return the permit, or empty if the mutex was not free in time
	 * @throws InterruptedException if the thread is interrupted (nothing is then held)
	 */
	public Optional<MutexPermit> tryLock(String key, Duration wait) throws InterruptedException {
		Assert.isTrue(!wait.isNegative(), "wait must not be negative");
		return Optional.ofNullable(acquire(key, wait));
	}

	/**
	 * Takes the key's mutex, waiting as long as it takes.
	 * @param key the key
	 * @return the permit
	 * @throws InterruptedException if the thread is interrupted (nothing is then held)
	 */
	public MutexPermit lock(String key) throws InterruptedException {
		return acquire(key, null);
	}

	/**
	 * Runs {@code action} holding the key's mutex.
	 * @param key the key
	 * @param wait how long to wait for the mutex
	 * @param action the work
	 * @return what the action returns
	 * @throws MutexTimeoutException if the mutex was not free in time (the action did not run)
	 * @throws BatonException if the thread was interrupted while waiting (its flag is set again)
	 */
	public <T> T withMutex(String key, Duration wait, Supplier<T> action) {
		Assert.isTrue(!wait.isNegative(), "wait must not be negative");
		MutexPermit permit;
		try {
			permit = acquire(key, wait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BatonException("Interrupted while waiting for keyed mutex '" + this.name + "' on key '" + key + "'",
					ex);
		}
		if (permit == null) {
			throw new MutexTimeoutException(this.name, key, wait);
		}
		try (permit) {
			return action.get();
		}
	}

	/**
	 * Asks for the key's mutex without blocking. Nothing happens until subscription; the
	 * subscriber is then queued as a callback and gets the permit when it is its turn.
	 * Cancelling gives up the place in the queue, or releases the mutex if it was granted in
	 * the meantime.
	 * @param key the key
	 * @param wait how long to wait; {@link Duration#ZERO} tries once
	 * @return a {@code Mono} of the permit, empty if the mutex was not free in time
	 */
	public Mono<MutexPermit> tryLockAsync(String key, Duration wait) {
		Assert.hasText(key, "key must not be empty");
		Assert.isTrue(!wait.isNegative(), "wait must not be negative");
		return Mono.<MutexPermit>create((sink) -> new AsyncWaiter(this, key, wait, sink).start())
			.doOnDiscard(MutexPermit.class, MutexPermit::close);
	}

	/**
	 * Subscribes to {@code action} holding the key's mutex, without blocking a thread. The
	 * mutex is released when the action completes, errors or is cancelled.
	 * @param key the key
	 * @param wait how long to wait for the mutex
	 * @param action the work, subscribed once the mutex is held
	 * @return the action's result; a {@link MutexTimeoutException} error if the mutex was not
	 * free in time
	 */
	public <T> Mono<T> withMutex(String key, Duration wait, Mono<T> action) {
		Mono<MutexPermit> permit = tryLockAsync(key, wait)
			.switchIfEmpty(Mono.error(() -> new MutexTimeoutException(this.name, key, wait)));
		return Mono.usingWhen(permit, (held) -> action, KeyedMutexPool::closing, (held, error) -> closing(held),
				KeyedMutexPool::closing);
	}

	private MutexPermit acquire(String key, Duration wait) throws InterruptedException {
		Assert.hasText(key, "key must not be empty");
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		Thread thread = Thread.currentThread();
		MutexPermit permit = new MutexPermit(this, key, thread);
		if (this.table.tryTake(permit)) {
			// Free at once: a wait of zero, recorded without reading the clock.
			granted(permit, 0L);
			return permit;
		}
		return queue(permit, wait, thread);
	}

	/** The slow path, kept apart so that the fast one stays small enough to be inlined. */
	private MutexPermit queue(MutexPermit permit, Duration wait, Thread thread) throws InterruptedException {
		String key = permit.getKey();
		BlockingWaiter waiter = new BlockingWaiter(permit, thread);
		this.table.arrive(waiter, wait == null || !wait.isZero());
		// Only a caller that has to wait reads the clock: one granted on arrival (a barging
		// non-fair caller) or refused at once waited for nothing worth two clock readings.
		long start = 0L;
		if (!waiter.granted && waiter.queued) {
			start = clock();
			Long deadline = (wait != null) ? System.nanoTime() + wait.toNanos() : null;
			try {
				waiter.await(this.table, key, deadline);
			}
			catch (InterruptedException ex) {
				observeWait(Outcome.INTERRUPTED, start);
				throw ex;
			}
		}
		if (!waiter.granted) {
			observeWait(Outcome.TIMEOUT, start);
			return null;
		}
		granted(permit, start);
		return permit;
	}

	/**
	 * Records a granted wait that began at {@code start} ({@code 0}: it did not wait) and
	 * starts the hold's clock if the recorder times this hold.
	 */
	void granted(MutexPermit permit, long start) {
		WaitRecorder recorder = this.recorder;
		if (recorder != WaitRecorder.NONE) {
			recorder.waited(Outcome.ACQUIRED, (start != 0L) ? System.nanoTime() - start : 0L);
			if (recorder.timeHold()) {
				permit.grantedAt = System.nanoTime();
			}
		}
	}

	/** Records the end of a hold whose clock started at {@code grantedAt} ({@code 0}: not timed). */
	void observeHeld(long grantedAt) {
		if (grantedAt != 0L) {
			this.recorder.held(System.nanoTime() - grantedAt);
		}
	}

	MutexTable table() {
		return this.table;
	}

	long clock() {
		return (this.recorder != WaitRecorder.NONE) ? System.nanoTime() : 0L;
	}

	/** Records a wait that ended with {@code outcome}, begun at {@code start} ({@code 0}: it did not wait). */
	void observeWait(Outcome outcome, long start) {
		if (this.recorder != WaitRecorder.NONE) {
			this.recorder.waited(outcome, (start != 0L) ? System.nanoTime() - start : 0L);
		}
	}

	private static Mono<Void> closing(MutexPermit permit) {
		return Mono.fromRunnable(permit::close);
	}

}
