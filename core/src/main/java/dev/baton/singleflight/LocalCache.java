package dev.baton.singleflight;

import java.time.Duration;


import org.springframework.lang.Nullable;

/** This JVM's copies of recent outcomes (L1), each kept for its own lifetime. */
interface LocalCache {

	/** Keeps nothing: used when Caffeine is absent or the cache is sized 0. */
	LocalCache NONE = new LocalCache() {

		@Override
		public Entry get(String key) {
			return null;
		}

		@Override
		public void put(String key, Entry entry) {
		}

		@Override
		public void invalidate(String key) {
		}

	};

	@Nullable
	Entry get(String key);

	void put(String key, Entry entry);

	void invalidate(String key);

	/**
	 * An outcome kept locally, with the type it was read as: a caller asking for another type
	 * does not get it.
	 */
	record Entry(ValueCodec.ValueType type, @Nullable Object value, @Nullable Throwable error, Duration lifetime) {

	}

}
