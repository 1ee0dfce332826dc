package dev.baton;

/**
 * Hears how long callers waited for and held a permit (a keyed mutex, a distributed lock); the
 * Micrometer bindings implement it. Called on hot paths: implementations must be quick and must
 * not throw. Both methods do nothing by default.
 */
public interface WaitObserver {

	/**
	 * A wait ended.
	 * @param name the permit's name (never its key)
	 * @param outcome how it ended
	 * @param nanos how long it lasted, in nanoseconds
	 */
	default void waited(String name, Outcome outcome, long nanos) {
	}

	/**
	 * A permit was given back.
	 * @param name the permit's name
	 * @param nanos how long it was held, in nanoseconds
	 */
	default void held(String name, long nanos) {
	}

	/** How a wait ended; its lower-case name is the {@code outcome} tag. */
	enum Outcome {

		/** The permit was granted. */
		ACQUIRED,

		/** The wait time ran out. */
		TIMEOUT,

		/** The waiting thread was interrupted. */
		INTERRUPTED,

		/** The waiting subscriber cancelled. */
		CANCELLED,

		/** The store failed. */
		ERROR,

		/** The wait time ran out and the method was skipped ({@code onTimeout = SKIP}). */
		SKIPPED,

		/** The wait time ran out and the method's fallback ran instead ({@code onTimeout = FALLBACK}). */
		FALLBACK

	}

}
