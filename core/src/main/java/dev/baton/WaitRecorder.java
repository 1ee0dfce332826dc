package dev.baton;

import dev.baton.WaitObserver.Outcome;

/**
 * Records the waits and holds of one name (see {@link WaitObserver#recorder(String)}). Called on
 * hot paths: implementations must be quick, must not allocate and must not throw.
 */
public interface WaitRecorder {

	/** Records nothing and times no hold; a feature given it does not read the clock. */
	WaitRecorder NONE = new WaitRecorder() {

		@Override
		public void waited(Outcome outcome, long nanos) {
		}

		@Override
		public void held(long nanos) {
		}

		@Override
		public boolean timeHold() {
			return false;
		}

	};

	/**
	 * A wait ended. A caller that did not have to wait (the permit was free, or granted or
	 * refused on arrival) is recorded with {@code 0} nanoseconds: it does not read the clock.
	 * @param outcome how it ended
	 * @param nanos how long it lasted, in nanoseconds
	 */
	void waited(Outcome outcome, long nanos);

	/**
	 * Whether to time the hold that begins now, asked once per granted permit. Answering
	 * {@code false} saves two clock readings; {@link #held} then is not called for that hold.
	 * @return {@code true} (the default) to time every hold
	 */
	default boolean timeHold() {
		return true;
	}

	/**
	 * A wait for {@code keys} begins (the distributed lock's; the keyed mutex does not call it).
	 * @param keys the keys, for recorders that show them
	 * @return what observes the wait, ended with its outcome; {@link Observed#NONE} by default
	 */
	default Observed startWait(String keys) {
		return Observed.NONE;
	}

	/**
	 * A hold of {@code keys} begins (the distributed lock's; the keyed mutex does not call it).
	 * Unless it returns {@link Observed#NONE}, the hold is then given its fencing token as the
	 * detail {@link dev.baton.lock.LockObserver#FENCING_TOKEN}.
	 * @param keys the keys, for recorders that show them
	 * @return what observes the hold, ended when it is given back; {@link Observed#NONE} by default
	 */
	default Observed startHold(String keys) {
		return Observed.NONE;
	}

	/**
	 * A hold that {@link #timeHold()} chose to time ended.
	 * @param nanos how long it lasted, in nanoseconds
	 */
	void held(long nanos);

}
