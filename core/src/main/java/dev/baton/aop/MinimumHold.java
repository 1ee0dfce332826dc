package dev.baton.aop;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * {@code holdAtLeast}: releases that wait on a timer until a lock has been held its minimum. At
 * shutdown the timers that have not fired are cancelled: their locks are then left to expire
 * with their lease, rather than released early (another instance could run the job again in
 * the same tick) or released through a registry that is closing.
 */
final class MinimumHold {

	private final Set<Disposable> pending = ConcurrentHashMap.newKeySet();

	/**
	 * Runs {@code release} once {@code minimum} has passed since {@code sinceNanos}: now if it
	 * has, else on a timer, never on the calling thread.
	 * @param minimum the shortest hold
	 * @param sinceNanos when the hold began, in {@link System#nanoTime()}
	 * @param release what gives the locks back
	 */
	void release(Duration minimum, long sinceNanos, Runnable release) {
		Duration left = minimum.minusNanos(System.nanoTime() - sinceNanos);
		if (left.isNegative() || left.isZero()) {
			release.run();
			return;
		}
		// Registered before it is scheduled, so that a timer firing at once still finds itself.
		Disposable.Swap timer = Disposables.swap();
		this.pending.add(timer);
		timer.update(Mono.delay(left).subscribe((tick) -> {
			this.pending.remove(timer);
			release.run();
		}));
	}

	/**
	 * Cancels the timers that have not fired.
	 * @return how many holds are left to expire with their lease
	 */
	int cancelPending() {
		int cancelled = 0;
		for (Disposable timer : this.pending) {
			if (this.pending.remove(timer)) {
				timer.dispose();
				cancelled++;
			}
		}
		return cancelled;
	}

}
