package dev.baton.singleflight;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.baton.json.JsonCodecException;
import dev.baton.BatonException;
import dev.baton.redis.DeadlineTimer;
import dev.baton.redis.StoredFormatException;
import dev.baton.singleflight.FlightStore.Claim;
import dev.baton.singleflight.FlightStore.Stored;
import dev.baton.singleflight.SingleFlightObserver.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * The cross-instance part of a flight, run by the one caller per key that leads in its JVM:
 * read the stored outcome or win the lease; lose it and wait for the leader's notification (or
 * for its lease to lapse, then take over); lead and store the outcome.
 */
final class ClusterFlights {

	private static final Logger logger = LoggerFactory.getLogger(ClusterFlights.class);

	/** How long an outcome kept only for the flight's own waiters stays stored: they read it at once. */
	static final Duration UNSHARED_LIFETIME = Duration.ofSeconds(5);

	private final FlightStore store;

	private final SingleFlightObserver observer;

	private final Duration leaseTime;

	/** How often a leader renews its lease: every third of it. */
	private final Duration renewalPeriod;

	/** How long one renewal may take: the period, or less when Redis's store timeout is shorter. */
	private final Duration renewalTimeout;

	private final Duration storeTimeout;

	private final boolean retryOnError;

	private final StoreBreaker breaker;

	/** How long a forget's generation outlives it: longer than any flight that started before it may run. */
	private final Duration generationLifetime;

	private final String instance = UUID.randomUUID().toString();

	private final AtomicLong owners = new AtomicLong();

	/**
	 * Per store key, what wakes this JVM's waiter when a flight of that key completes anywhere,
	 * with the outcome when it came along.
	 */
	private final ConcurrentHashMap<String, CompletableFuture<Optional<Stored>>> signals = new ConcurrentHashMap<>();

	private final Set<String> reportedUnreadable = ConcurrentHashMap.newKeySet();

	/** Store keys this JVM is waiting on another instance's leader for. */
	private final Set<String> following = ConcurrentHashMap.newKeySet();

	ClusterFlights(FlightStore store, SingleFlightObserver observer, FlightDefaults defaults) {
		this.store = store;
		this.observer = observer;
		this.leaseTime = defaults.leaseTime();
		this.renewalPeriod = this.leaseTime.dividedBy(3);
		this.renewalTimeout = min(this.renewalPeriod, defaults.storeTimeout());
		this.storeTimeout = defaults.storeTimeout();
		this.retryOnError = defaults.followersRetryOnError();
		this.breaker = new StoreBreaker(defaults.storeRetryInterval());
		Duration longestFlight = defaults.maxFlightTime().multipliedBy(2).plus(this.leaseTime);
		this.generationLifetime = (longestFlight.compareTo(Duration.ofDays(1)) > 0) ? longestFlight
				: Duration.ofDays(1);
		store.onDone(this::signal);
	}

	/**
	 * Finds the flight's outcome, or makes the caller its leader; fails with a timeout past the
	 * wait timeout. When Redis cannot be reached and the call runs locally on store failure, the
	 * caller leads without Redis ({@link Lead#degraded()}).
	 */
	Mono<Resolution> contend(FlightCall call) {
		AtomicBoolean followed = new AtomicBoolean();
		Mono<Resolution> contended = attempt(call, "", false, false, followed).doFinally((signal) -> {
			if (followed.get()) {
				this.store.unfollow(call.storeKey());
			}
		});
		if (call.onStoreFailure() != OnStoreFailure.RUN_LOCALLY) {
			return contended;
		}
		return contended.onErrorResume(ClusterFlights::isStoreFailure, (ex) -> {
			logger.debug("Flight {} runs locally: {}", call.name(), ex.getMessage());
			return Mono.just(Lead.degraded(this.instance + ":" + this.owners.incrementAndGet()));
		});
	}

	private static boolean isStoreFailure(Throwable error) {
		return error instanceof SingleFlightException flight && flight.isStoreFailure();
	}

	/**
	 * One claim. Where completions are heard per key, the first busy answer makes this JVM
	 * follow the key and claim again once it hears it: a completion published before that was
	 * not heard, and the second claim finds what it stored.
	 * @param followed whether this call follows the key already (it stops when the call resolves)
	 */
	private Mono<Resolution> attempt(FlightCall call, String waitedFor, boolean passOver, boolean retried,
			AtomicBoolean followed) {
		return Mono.defer(() -> {
			String owner = this.instance + ":" + this.owners.incrementAndGet();
			// Armed before the claim: a notification sent between the claim and the wait is not lost.
			CompletableFuture<Optional<Stored>> signal = this.signals.computeIfAbsent(call.storeKey(),
					(key) -> new CompletableFuture<>());
			return guarded(call, this.store.claim(call.storeKey(), owner, this.leaseTime, waitedFor, passOver))
				// Whatever ends the claim without a wait (an error, a timeout, a cancellation) disarms it.
				.doOnError((ex) -> this.signals.remove(call.storeKey(), signal))
				.doOnCancel(() -> this.signals.remove(call.storeKey(), signal))
				.flatMap((claim) -> switch (claim.kind()) {
					case LEAD -> {
						this.signals.remove(call.storeKey(), signal);
						yield Mono.just(lead(call, owner, claim.generation()));
					}
					case STORED -> {
						this.signals.remove(call.storeKey(), signal);
						yield stored(call, claim.stored(), !waitedFor.isEmpty(), retried, followed);
					}
					case BUSY -> (this.store.followsPerKey() && followed.compareAndSet(false, true))
							? Mono.fromFuture(this.store.follow(call.storeKey()), true)
								.then(attempt(call, waitedFor, passOver, retried, followed))
							: follow(call, signal, claim, retried, followed);
				});
		});
	}

	private Mono<Resolution> follow(FlightCall call, CompletableFuture<Optional<Stored>> signal, Claim claim,
			boolean retried, AtomicBoolean followed) {
		long left = call.remainingNanos();
		if (left <= 0) {
			this.signals.remove(call.storeKey(), signal);
			return Mono.error(call.timeout());
		}
		// Woken by the leader's notification; failing that, when its lease would lapse (it died).
		Duration lease = (claim.leaseMillis() > 0) ? Duration.ofMillis(claim.leaseMillis()) : this.leaseTime;
		long leaseNanos = lease.toNanos();
		Duration wait = Duration.ofNanos(Math.min(leaseNanos, left));
		this.following.add(call.storeKey());
		return Mono.fromFuture(signal, true)
			.timeout(wait, Mono.just(Optional.empty()))
			.doOnCancel(() -> {
				this.following.remove(call.storeKey());
				this.signals.remove(call.storeKey(), signal);
			})
			.flatMap((notified) -> {
				this.following.remove(call.storeKey());
				this.signals.remove(call.storeKey(), signal);
				// An outcome that came with the notification saves a round trip, if it is ours to use.
				return notified.filter((stored) -> stored.shared() || stored.owner().equals(claim.leader()))
					.map((stored) -> stored(call, stored, true, retried, followed))
					.orElseGet(() -> attempt(call, claim.leader(), false, retried, followed));
			});
	}

	private Mono<Resolution> stored(FlightCall call, Stored stored, boolean followed, boolean retried,
			AtomicBoolean following) {
		Duration lifetime = stored.shared() ? min(call.localTtl(), Duration.ofMillis(stored.ttlMillis())) : Duration.ZERO;
		Outcome outcome = followed ? Outcome.FOLLOWER : Outcome.L2_HIT;
		if (Stored.ERROR.equals(stored.status())) {
			if (followed && this.retryOnError && !retried) {
				return attempt(call, "", true, true, following);
			}
			SingleFlightException error = SingleFlightException.remote(call.name(), call.key(), call.waited(),
					stored.errorType(), stored.errorMessage());
			return Mono.just(new Found(Settled.failure(error, followed, lifetime)));
		}
		if (Stored.NULL.equals(stored.status())) {
			return Mono.just(new Found(Settled.value(null, outcome, followed, lifetime)));
		}
		try {
			Object value = call.type().read(stored.value());
			return Mono.just(new Found(Settled.value(value, outcome, followed, lifetime)));
		}
		catch (Exception ex) {
			unreadable(call, ex);
			return attempt(call, "", true, retried, following);
		}
	}

	private void unreadable(FlightCall call, Exception ex) {
		this.observer.unreadable(call.name());
		if (this.reportedUnreadable.add(call.name())) {
			logger.warn("A stored result of flight {} could not be read as {}; recomputing. Further cases are "
					+ "logged at DEBUG and counted as unreadable ({})", call.name(), call.type(),
					ex.getMessage());
		}
		else {
			logger.debug("Unreadable stored result of flight {}", call.name(), ex);
		}
	}

	private Lead lead(FlightCall call, String owner, String generation) {
		if (!this.store.shared()) {
			return new Lead(owner, null, generation, false, new AtomicBoolean());
		}
		AtomicReference<Disposable> self = new AtomicReference<>();
		Disposable renewal = DeadlineTimer.every(this.renewalPeriod,
				() -> DeadlineTimer.within(this.store.renew(call.storeKey(), owner, this.leaseTime), this.renewalTimeout)
					.doOnNext((renewed) -> {
						if (!renewed) {
							logger.warn("Flight {} lost its lease while computing: another instance may compute it too",
									call.name());
							self.get().dispose();
						}
					})
					.onErrorResume((ex) -> {
						logger.debug("Renewing the lease of flight {} failed; retrying while it lasts", call.name(), ex);
						return Mono.empty();
					}));
		self.set(renewal);
		return new Lead(owner, renewal, generation, false, new AtomicBoolean());
	}

	/**
	 * Gives up a lead whose loader ran past its maximum flight time, unless it has finished: no
	 * more renewal, the lease dropped and the waiters everywhere woken without an outcome, so
	 * that the next caller leads.
	 * @return whether the lead was given up (then {@link #finish} stores nothing)
	 */
	boolean abandon(FlightCall call, Lead lead) {
		if (!lead.ended().compareAndSet(false, true)) {
			return false;
		}
		if (lead.renewal() != null) {
			lead.renewal().dispose();
		}
		logger.warn("Flight {} ran longer than its maxFlightTime of {} ms and was abandoned: its callers get a "
				+ "timeout and the next call runs it again", call.name(), call.maxFlightTime().toMillis());
		if (!lead.degraded()) {
			storeGuarded(this.store.complete(call.storeKey(), lead.owner(), lead.generation(), null))
				.subscribe(null, (ex) -> logger.debug("Flight {} could not drop its lease", call.name(), ex));
		}
		return true;
	}

	/**
	 * Stores what the leader's loader produced and wakes the waiters. A store failure here is
	 * logged, not thrown: the leader's callers still get the value, and waiters elsewhere take
	 * over when the lease lapses.
	 * @return the outcome as this JVM's callers see it
	 */
	Mono<Settled> finish(FlightCall call, Lead lead, @Nullable Object value, @Nullable Throwable error) {
		if (!lead.ended().compareAndSet(false, true)) {
			return Mono.just(Settled.failure(call.abandoned(), false, Duration.ZERO));
		}
		if (lead.renewal() != null) {
			lead.renewal().dispose();
		}
		if (lead.degraded()) {
			return Mono.just((error != null) ? Settled.failure(error, false, Duration.ZERO)
					: Settled.value(value, Outcome.DEGRADED, false, Duration.ZERO));
		}
		Stored outcome = outcome(call, lead.owner(), value, error);
		Duration lifetime = (outcome != null && outcome.shared())
				? min(call.localTtl(), Duration.ofMillis(outcome.ttlMillis())) : Duration.ZERO;
		return storeGuarded(this.store.complete(call.storeKey(), lead.owner(), lead.generation(), outcome))
			.onErrorResume((ex) -> {
				logger.warn("Flight {} could not store its outcome ({}); other instances will recompute it",
						call.name(), ex.toString());
				return Mono.just(true);
			})
			// Forgotten since the claim: the outcome was not stored, and is not kept here either.
			.map((kept) -> settled(value, error, kept ? lifetime : Duration.ZERO));
	}

	private static Settled settled(@Nullable Object value, @Nullable Throwable error, Duration lifetime) {
		return (error != null) ? Settled.failure(error, false, lifetime)
				: Settled.value(value, Outcome.LEADER, false, lifetime);
	}

	@Nullable
	private Stored outcome(FlightCall call, String owner, @Nullable Object value, @Nullable Throwable error) {
		if (error != null) {
			boolean shared = !call.errorTtl().isZero();
			String message = (error.getMessage() != null) ? error.getMessage() : "";
			return new Stored(owner, Stored.ERROR, shared, "", error.getClass().getName(), message,
					lifetime(shared, call.errorTtl()));
		}
		if (value == null) {
			boolean shared = call.cacheNulls() && !call.ttl().isZero();
			return new Stored(owner, Stored.NULL, shared, "", "", "", lifetime(shared, call.ttl()));
		}
		try {
			boolean shared = !call.ttl().isZero();
			return new Stored(owner, Stored.VALUE, shared, call.type().write(value), "", "",
					lifetime(shared, call.ttl()));
		}
		catch (JsonCodecException ex) {
			logger.warn("Flight {} computed a value that cannot be written as {}: it is not shared with other "
					+ "instances ({})", call.name(), call.type(), ex.getMessage());
			return null;
		}
	}

	/** Whether this JVM waits for another instance's leader of this key now. */
	boolean isFollowing(String storeKey) {
		return this.following.contains(storeKey);
	}

	/** Deletes the stored outcome everywhere; flights that started before it store nothing. */
	Mono<Void> forget(FlightCall call) {
		return guarded(call, this.store.forget(call.storeKey(), this.generationLifetime));
	}

	/** Pending wake-ups of this JVM's waiters (for tests and diagnostics). */
	int pendingSignals() {
		return this.signals.size();
	}

	/**
	 * A store operation, bounded by the store timeout and the breaker; Redis's errors named as
	 * such, and a flight kept in a later format as a store failure too (the call fails or runs
	 * locally, as its store-failure policy says), though Redis answered: the breaker stays closed.
	 */
	private <T> Mono<T> guarded(FlightCall call, Mono<T> operation) {
		return storeGuarded(operation)
			.onErrorMap(StoredFormatException.class, (ex) -> SingleFlightException.laterFormat(call.name(), call.key(),
					call.waited(), ex))
			.onErrorMap((ex) -> !(ex instanceof BatonException),
				(ex) -> SingleFlightException.storeFailed(call.name(), call.key(), call.waited(),
						(ex instanceof TimeoutException) ? "no answer within " + this.storeTimeout.toMillis() + " ms"
								: (ex instanceof StoreSkipped) ? ex.getMessage() : String.valueOf(ex.getMessage()),
						(ex instanceof StoreSkipped) ? null : ex));
	}

	private <T> Mono<T> storeGuarded(Mono<T> operation) {
		return Mono.defer(() -> {
			if (!this.breaker.allows()) {
				return Mono.error(new StoreSkipped());
			}
			return DeadlineTimer.within(operation, this.storeTimeout)
				.doOnSuccess((result) -> this.breaker.succeeded())
				.doOnError((ex) -> !(ex instanceof BatonException), this.breaker::failed);
		});
	}

	private void signal(FlightStore.Done done) {
		CompletableFuture<Optional<Stored>> signal = this.signals.remove(done.key());
		if (signal != null) {
			signal.complete(Optional.ofNullable(done.outcome()));
		}
	}

	private static long lifetime(boolean shared, Duration ttl) {
		return (shared ? ttl : UNSHARED_LIFETIME).toMillis();
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/** What contending for a flight gave the caller. */
	sealed interface Resolution permits Found, Lead {

	}

	/** An outcome someone else computed. */
	record Found(Settled settled) implements Resolution {

	}

	/**
	 * The caller leads: it runs the loader, then {@link #finish}.
	 * @param generation the key's generation when it was claimed (the outcome is stored only if
	 * no forget came since)
	 * @param degraded whether it leads without Redis (which could not be reached)
	 * @param ended set by whichever comes first, {@link #finish} or {@link #abandon}
	 */
	record Lead(String owner, @Nullable Disposable renewal, String generation, boolean degraded,
			AtomicBoolean ended) implements Resolution {

		static Lead degraded(String owner) {
			return new Lead(owner, null, "", true, new AtomicBoolean());
		}

	}

	/** Redis failed less than the retry interval ago and was not asked. */
	private static final class StoreSkipped extends RuntimeException {

		StoreSkipped() {
			super("it failed moments ago; not asked again before the store retry interval", null, false, false);
		}

	}

}
