package dev.baton;

import org.springframework.lang.Nullable;

/**
 * One observed stretch of work, from when it began until {@link #end}: a lock wait or hold, a
 * flight, an AI call. The Boot layer makes them Micrometer {@code Observation}s (spans under
 * Micrometer Tracing); {@link #NONE} observes nothing. Ended exactly once, on any thread.
 */
public interface Observed {

	/** Observes nothing. */
	Observed NONE = new Observed() {

		@Override
		public void end(@Nullable String outcome, @Nullable Throwable error) {
		}

	};

	/**
	 * Adds a high-cardinality detail (never a metric tag), such as token counts.
	 * @param key the detail's name
	 * @param value its value
	 * @return this
	 */
	default Observed detail(String key, String value) {
		return this;
	}

	/**
	 * Ends it.
	 * @param outcome the lower-case {@code outcome} value, or {@code null} for none
	 * @param error what failed, or {@code null}
	 */
	void end(@Nullable String outcome, @Nullable Throwable error);

}
