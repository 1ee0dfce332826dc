package dev.baton.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.baton.InvalidSettingException;
import dev.baton.redis.DeadlineTimer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Redlock over N independent masters: an operation counts when a quorum (N/2+1) of masters
 * agrees, and an acquisition is valid only for the lease minus the time it took minus an
 * allowance for clock drift. Masters are asked in parallel, each bounded by a short timeout,
 * so a dead master costs that timeout, not the command timeout.
 */
final class RedlockStore implements LockStore {

	private final List<RedisLockStore> masters;

	private final int quorum;

	private final Duration masterTimeout;

	RedlockStore(List<RedisLockStore> masters, Duration masterTimeout) {
		if (masters.size() < 3) {
			throw new InvalidSettingException("lock", "redlockNodes",
					"needs at least 3 independent masters, got " + masters.size());
		}
		this.masters = List.copyOf(masters);
		this.quorum = masters.size() / 2 + 1;
		this.masterTimeout = masterTimeout;
	}

	@Override
	public Mono<Attempt> acquire(String key, String owner, Duration lease, Duration willWait, int handoffs,
			boolean retry) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			// One clock reading for every master, so that their tokens compare.
			long floor = RedisLockStore.clockMicros();
			Mono<List<Answer>> asked = ask(key, (master) -> master
				.acquire(key, owner, lease, willWait, handoffs, retry, floor)
				.map((attempt) -> new Answer(master, attempt)));
			return asked.flatMap((answers) -> {
				List<Attempt> attempts = answers.stream().map(Answer::attempt).toList();
				long acquired = attempts.stream().filter(Attempt::acquired).count();
				Duration validity = lease.minus(AbstractLockRegistry.elapsed(start)).minus(drift(lease));
				if (acquired >= this.quorum && !validity.isNegative() && !validity.isZero()) {
					if (!willWait.isZero() && acquired < this.masters.size()) {
						leaveQueues(key, owner, answers);
					}
					long token = attempts.stream().filter(Attempt::acquired).mapToLong(Attempt::token).max().orElseThrow();
					return Mono.just(Attempt.acquired(token));
				}
				Duration retryIn = attempts.stream()
					.filter((attempt) -> !attempt.acquired())
					.map(Attempt::retryIn)
					.min(Duration::compareTo)
					.orElse(Duration.ZERO);
				// Give back the minority we took; a random pause breaks ties between contenders that split the votes.
				Duration jitter = Duration.ofMillis(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 20));
				if (acquired == 0) {
					// Nothing to give back; a release would also wake the waiters of a lock that
					// expired under them, each of whose busy answers would wake the others again.
					return Mono.just(Attempt.busy(retryIn.plus(jitter)));
				}
				return release(key, owner).onErrorResume((ex) -> Mono.just(false)).thenReturn(Attempt.busy(jitter));
			});
		});
	}

	/**
	 * A quorum granted the lock: the masters that did not (busy, or silent) may have queued the
	 * owner, and each would keep its lock for that owner, which never comes, until the entry
	 * lapses. Taken out of their queues in the background, as far as they answer; the hold does
	 * not wait for it.
	 */
	private void leaveQueues(String key, String owner, List<Answer> answers) {
		List<RedisLockStore> granted = answers.stream()
			.filter((answer) -> answer.attempt().acquired())
			.map(Answer::master)
			.toList();
		cancel(this.masters.stream().filter((master) -> !granted.contains(master)).toList(), key, owner).subscribe();
	}

	@Override
	public Mono<Boolean> release(String key, String owner) {
		return ask(key, (master) -> master.release(key, owner))
			.map((released) -> released.stream().filter(Boolean::booleanValue).count() >= this.quorum);
	}

	@Override
	public Mono<Boolean> renew(String key, String owner, Duration lease) {
		return ask(key, (master) -> master.renew(key, owner, lease))
			.map((renewed) -> renewed.stream().filter(Boolean::booleanValue).count() >= this.quorum);
	}

	@Override
	public Mono<Void> cancel(String key, String owner) {
		return cancel(this.masters, key, owner);
	}

	/**
	 * Nobody waits for a cancel (the registry fires it and goes on), so it has no master
	 * timeout: a deadline would also cut off the EVAL that follows a NOSCRIPT answer from a
	 * master that restarted, and the owner would stay queued there. Each call ends within the
	 * client's command timeout.
	 */
	private Mono<Void> cancel(List<RedisLockStore> masters, String key, String owner) {
		return Flux.fromIterable(masters)
			.flatMap((master) -> master.cancel(key, owner).onErrorResume((ex) -> Mono.empty()))
			.then();
	}

	@Override
	public void onRelease(Consumer<String> listener) {
		this.masters.forEach((master) -> master.onRelease(listener));
	}

	/**
	 * Asks every master in parallel and collects the answers of those that gave one in time.
	 * Fewer answers than a quorum is an error: no decision can be made. A master that keeps the
	 * lock in a later format fails the whole operation, once every master has answered (what
	 * the others granted is then given back by the registry, as after any failed acquisition):
	 * this version cannot tell how a later one counts its quorum.
	 */
	private <T> Mono<List<T>> ask(String key, Function<RedisLockStore, Mono<T>> operation) {
		return Mono.defer(() -> {
			AtomicReference<LockFormatException> laterFormat = new AtomicReference<>();
			return Flux.fromIterable(this.masters)
				.flatMap((master) -> DeadlineTimer.within(operation.apply(master), this.masterTimeout)
					.onErrorResume((ex) -> {
						if (ex instanceof LockFormatException format) {
							laterFormat.set(format);
						}
						return Mono.empty();
					}))
				.collectList()
				.flatMap((answers) -> (laterFormat.get() != null) ? Mono.error(laterFormat.get())
						: (answers.size() >= this.quorum) ? Mono.just(answers)
						: Mono.error(new LockUnavailableException("Lock '" + key + "' unavailable: only " + answers.size()
								+ " of " + this.masters.size() + " Redlock masters answered, a quorum of " + this.quorum
								+ " is needed", key, Duration.ZERO)));
		});
	}

	/** One master's answer to an acquisition. */
	private record Answer(RedisLockStore master, Attempt attempt) {
	}

	private static Duration drift(Duration lease) {
		return Duration.ofMillis(lease.toMillis() / 100 + 2);
	}

}
