package dev.baton.singleflight;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * Where flights meet across instances: stored outcomes, leader leases and the notifications
 * that wake waiters. Keys are full store keys ({@code baton:singleflight:<name>:{user key}}).
 */
interface FlightStore {

	/** No other instance: every caller leads, nothing is stored or published. */
	FlightStore LOCAL = new FlightStore() {

		@Override
		public boolean shared() {
			return false;
		}

		@Override
		public Mono<Claim> claim(String key, String owner, Duration lease, String waitedFor, boolean passOver) {
			return Mono.just(Claim.LEAD);
		}

		@Override
		public Mono<Boolean> renew(String key, String owner, Duration lease) {
			return Mono.just(true);
		}

		@Override
		public Mono<Boolean> complete(String key, String owner, String generation, @Nullable Stored outcome) {
			return Mono.just(true);
		}

		@Override
		public Mono<Void> forget(String key, Duration generationLifetime) {
			return Mono.empty();
		}

		@Override
		public void onDone(Consumer<Done> listener) {
		}

		@Override
		public void onForget(Consumer<String> listener) {
		}

	};

	/** Whether other instances share this store (and leases need renewing). */
	boolean shared();

	/**
	 * Reads the stored outcome the caller may use or, failing that, tries to take the lease.
	 * @param waitedFor the leader the caller waited for ({@code ""} for none): its outcome is
	 * usable even when it is not shared
	 * @param passOver whether to ignore the stored outcome because it could not be read
	 * (an outcome or a lease of a later format is never ignored: the claim fails with a
	 * {@link dev.baton.redis.StoredFormatException})
	 */
	Mono<Claim> claim(String key, String owner, Duration lease, String waitedFor, boolean passOver);

	/** Extends the caller's lease; {@code false} when it no longer leads. */
	Mono<Boolean> renew(String key, String owner, Duration lease);

	/**
	 * Stores the outcome ({@code null}: none, the leader gave up) unless the key was forgotten
	 * since the leader claimed it, drops the lease and notifies waiters.
	 * @param generation the key's generation the leader's claim returned
	 * @return {@code false} when the outcome was not stored because the key was forgotten since,
	 * or because the lease had lapsed and another instance stored an outcome of a later format
	 */
	Mono<Boolean> complete(String key, String owner, String generation, @Nullable Stored outcome);

	/**
	 * Deletes the stored outcome, moves the key to a new generation (so that flights claimed
	 * before store nothing) and tells every instance to forget its local copy.
	 * @param generationLifetime how long the new generation is remembered: longer than any flight runs
	 */
	Mono<Void> forget(String key, Duration generationLifetime);

	/**
	 * Calls {@code listener} for every flight that completed, on any instance; where
	 * completions are published per key ({@link #followsPerKey()}), only for the keys followed.
	 */
	void onDone(Consumer<Done> listener);

	/**
	 * Whether a waiter must {@link #follow} a key to hear its completions (sharded pub/sub, one
	 * channel per key), rather than hearing every flight's.
	 */
	default boolean followsPerKey() {
		return false;
	}

	/**
	 * Starts hearing the completions of {@code key}'s flights (see {@link #followsPerKey()}).
	 * @return completes once they are heard, or when that could not be arranged; never fails
	 */
	default CompletableFuture<Void> follow(String key) {
		return CompletableFuture.completedFuture(null);
	}

	/** Ends one {@link #follow} of {@code key}. */
	default void unfollow(String key) {
	}

	/** Calls {@code listener} with the key of every flight forgotten, on any instance. */
	void onForget(Consumer<String> listener);

	/**
	 * A flight completed.
	 * @param key its store key
	 * @param outcome what it stored, when small enough to travel with the notification
	 */
	record Done(String key, @Nullable Stored outcome) {

	}

	/** What a claim found. */
	enum ClaimKind {

		/** An outcome the caller may use. */
		STORED,

		/** The caller now leads. */
		LEAD,

		/** Another caller leads. */
		BUSY

	}

	/**
	 * @param kind what was found
	 * @param stored the outcome, for {@link ClaimKind#STORED}
	 * @param leaseMillis for {@link ClaimKind#BUSY}, how long the leader's lease still runs
	 * @param leader for {@link ClaimKind#BUSY}, the leader's owner token
	 * @param generation for {@link ClaimKind#LEAD}, the key's generation ({@code ""}: never forgotten)
	 */
	record Claim(ClaimKind kind, @Nullable Stored stored, long leaseMillis, String leader, String generation) {

		static final Claim LEAD = new Claim(ClaimKind.LEAD, null, 0, "", "");

		static Claim lead(String generation) {
			return new Claim(ClaimKind.LEAD, null, 0, "", generation);
		}

	}

	/**
	 * A flight's outcome as stored.
	 * @param owner the leader that wrote it
	 * @param status {@code value}, {@code null} or {@code error}
	 * @param shared whether callers that did not wait for this leader may use it
	 * @param value the value as JSON, for {@code value}
	 * @param errorType the leader's exception class, for {@code error}
	 * @param errorMessage its message ({@code ""} for none)
	 * @param ttlMillis how long it is (still) stored
	 */
	record Stored(String owner, String status, boolean shared, String value, String errorType, String errorMessage,
			long ttlMillis) {

		static final String VALUE = "value";

		static final String NULL = "null";

		static final String ERROR = "error";

	}

}
