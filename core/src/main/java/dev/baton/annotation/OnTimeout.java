package dev.baton.annotation;

/**
 * What a {@link DistributedLock @DistributedLock} or {@link KeyedMutex @KeyedMutex} method does
 * when its wait runs out.
 */
public enum OnTimeout {

	/**
	 * The feature's default: {@code baton.lock.on-timeout} or {@code baton.mutex.on-timeout}
	 * ({@link #THROW} unless set); {@link #FALLBACK} when the annotation names a {@code fallback}.
	 */
	DEFAULT,

	/**
	 * The call fails with the feature's timeout exception ({@code LockAcquisitionException},
	 * {@code MutexTimeoutException}), thrown or, for asynchronous methods, emitted.
	 */
	THROW,

	/**
	 * The method is not run: the call returns {@code null}, {@code Optional.empty()}, an empty
	 * {@code Mono} or {@code Flux}, or a {@code CompletionStage} completed with {@code null}.
	 * Logged at DEBUG and counted with outcome {@code skipped}. A method returning a primitive
	 * other than {@code void} cannot be skipped: start-up fails naming it.
	 */
	SKIP,

	/**
	 * The annotation's {@code fallback} method runs instead: a method of the same bean with the
	 * same parameters, optionally followed by the timeout exception, whose return type fits the
	 * method's. Counted with outcome {@code fallback}.
	 */
	FALLBACK

}
