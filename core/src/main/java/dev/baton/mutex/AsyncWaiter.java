package dev.baton.mutex;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.baton.WaitObserver.Outcome;
import reactor.core.Disposable;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * A subscriber waiting for a key's mutex: a queued callback, not a parked thread. Exactly one
 * of three things settles it: the grant (the permit is emitted), the wait running out (empty)
 * or the subscriber cancelling. If the grant races with one of the others, both sides may see
 * the grant (the giving-up side in the table, the granting side in its failed delivery) and
 * release the permit, which releases only once, so nothing is left held.
 */
final class AsyncWaiter extends Waiter {

	private static final int WAITING = 0;

	private static final int DELIVERED = 1;

	private static final int ABANDONED = 2;

	private static final AtomicIntegerFieldUpdater<AsyncWaiter> STATE = AtomicIntegerFieldUpdater
		.newUpdater(AsyncWaiter.class, "state");

	private final KeyedMutexPool pool;

	private final String key;

	private final Duration wait;

	private final MonoSink<MutexPermit> sink;

	private final long start;

	private volatile int state;

	private volatile Disposable timer;

	AsyncWaiter(KeyedMutexPool pool, String key, Duration wait, MonoSink<MutexPermit> sink) {
		super(new MutexPermit(pool, key, null));
		this.pool = pool;
		this.key = key;
		this.wait = wait;
		this.sink = sink;
		this.start = pool.clock();
	}

	void start() {
		this.sink.onCancel(() -> giveUp(Outcome.CANCELLED));
		this.pool.table().arrive(this, !this.wait.isZero());
		if (this.granted) {
			deliver();
		}
		else if (!this.queued) {
			giveUp(Outcome.TIMEOUT);
		}
		else {
			this.timer = Schedulers.parallel()
				.schedule(() -> giveUp(Outcome.TIMEOUT), this.wait.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	@Override
	boolean abandoned() {
		return this.state == ABANDONED;
	}

	@Override
	void wake() {
		if (!this.granted) {
			this.pool.table().retry(this.key, this);
		}
		if (this.granted) {
			deliver();
		}
	}

	private void deliver() {
		if (STATE.compareAndSet(this, WAITING, DELIVERED)) {
			cancelTimer();
			this.pool.granted(this.permit, this.start);
			this.sink.success(this.permit);
		}
		else if (this.state == ABANDONED) {
			this.permit.release();
		}
	}

	private void giveUp(Outcome outcome) {
		if (!STATE.compareAndSet(this, WAITING, ABANDONED)) {
			if (outcome == Outcome.CANCELLED && this.state == DELIVERED) {
				// MonoSink calls onCancel only when the cancel won over the emission, so the
				// permit never reached the subscriber (the sink dropped it): release it here.
				this.permit.close();
			}
			return;
		}
		cancelTimer();
		if (this.pool.table().abandon(this.key, this)) {
			this.permit.release();
		}
		this.pool.observeWait(outcome, this.start);
		if (outcome == Outcome.TIMEOUT) {
			this.sink.success();
		}
	}

	private void cancelTimer() {
		Disposable scheduled = this.timer;
		if (scheduled != null) {
			scheduled.dispose();
		}
	}

}
