package dev.baton;

/**
 * Hears how long callers waited for and held a permit (a keyed mutex, a distributed lock); the
 * Micrometer bindings implement it. A feature asks for a {@link WaitRecorder} once per name (a
 * pool view, an annotated method) and calls only that recorder on its hot path, so an
 * implementation looks its meters up once per name, never per call. By default the recorder
 * forwards to {@link #waited} and {@link #held}, which do nothing, and times every hold.
 */
public interface WaitObserver {

	/**
	 * The recorder of one name; asked once per name, not per call.
	 * @param name the permit's name (never its key)
	 * @return the recorder, never {@code null}
	 */
	default WaitRecorder recorder(String name) {
		return new WaitRecorder() {

			@Override
			public void waited(Outcome outcome, long nanos) {
				WaitObserver.this.waited(name, outcome, nanos);
			}

			@Override
			public void held(long nanos) {
				WaitObserver.this.held(name, nanos);
			}

		};
	}

	/**
	 * A wait ended (what the default {@link #recorder} forwards to).
	 * @param name the permit's name (never its key)
	 * @param outcome how it ended
	 * @param nanos how long it lasted, in nanoseconds; {@code 0} when the caller did not have to wait
	 */
	default void waited(String name, Outcome outcome, long nanos) {
	}

	/**
	 * A timed permit was given back (what the default {@link #recorder} forwards to).
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
