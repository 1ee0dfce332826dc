package dev.baton.autoconfigure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.Observed;
import dev.baton.WaitObserver;
import dev.baton.WaitRecorder;
import dev.baton.lock.LockObserver;
import dev.baton.singleflight.SingleFlightObserver;

import org.springframework.lang.Nullable;

/**
 * What this JVM is doing now, for the {@code baton} endpoint: the {@code @DistributedLock} waits
 * and holds (with the fencing token of each hold) and the flights in progress, each from its
 * start until it ends. Exists only while the
 * endpoint is exposed; one set insertion and removal per wait, hold or flight.
 */
final class Activity {

	private final Set<Entry> entries = ConcurrentHashMap.newKeySet();

	/** The observer of {@code @DistributedLock} waits and holds. */
	final LockObserver locks = new LockObserver() {

		@Override
		public WaitRecorder recorder(String name) {
			return new WaitRecorder() {

				@Override
				public void waited(WaitObserver.Outcome outcome, long nanos) {
				}

				@Override
				public boolean timeHold() {
					return false;
				}

				@Override
				public void held(long nanos) {
				}

				@Override
				public Observed startWait(String keys) {
					return track(new Entry(Kind.LOCK_WAIT, name, keys, Instant.now()));
				}

				@Override
				public Observed startHold(String keys) {
					return track(new Entry(Kind.LOCK_HOLD, name, keys, Instant.now()));
				}

			};
		}

	};

	/** The observer of flights (calls that missed the local cache). */
	final SingleFlightObserver flights = new SingleFlightObserver() {

		@Override
		public Observed started(String name, String key) {
			return track(new Entry(Kind.FLIGHT, name, key, Instant.now()));
		}

	};

	private Observed track(Entry entry) {
		this.entries.add(entry);
		return new Observed() {

			@Override
			public Observed detail(String key, String value) {
				if (LockObserver.FENCING_TOKEN.equals(key)) {
					entry.fenced(value);
				}
				return this;
			}

			@Override
			public void end(@Nullable String outcome, @Nullable Throwable error) {
				Activity.this.entries.remove(entry);
			}

		};
	}

	/**
	 * The entries of one kind, oldest first.
	 * @param showKeys whether to show their keys
	 */
	List<Map<String, Object>> list(Kind kind, boolean showKeys) {
		List<Entry> matching = new ArrayList<>();
		for (Entry entry : this.entries) {
			if (entry.kind() == kind) {
				matching.add(entry);
			}
		}
		matching.sort(Comparator.comparing(Entry::since));
		List<Map<String, Object>> listed = new ArrayList<>(matching.size());
		for (Entry entry : matching) {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("name", entry.name());
			item.put("since", entry.since().toString());
			if (kind == Kind.LOCK_HOLD) {
				String fencingToken = entry.fencingToken();
				if (fencingToken != null) {
					item.put("fencingToken", Long.parseLong(fencingToken));
				}
				item.put("waitersHere", count(Kind.LOCK_WAIT, entry.keys()));
			}
			if (showKeys) {
				item.put("keys", entry.keys());
			}
			listed.add(item);
		}
		return listed;
	}

	private long count(Kind kind, String keys) {
		return this.entries.stream().filter((entry) -> entry.kind() == kind && entry.keys().equals(keys)).count();
	}

	enum Kind {

		LOCK_WAIT, LOCK_HOLD, FLIGHT

	}

	/** Compared by identity: two holds of the same name and key at the same instant are two entries. */
	private static final class Entry {

		private final Kind kind;

		private final String name;

		private final String keys;

		private final Instant since;

		/** A hold's fencing token, as its lock's observer was told it; {@code null} until then. */
		@Nullable
		private volatile String fencingToken;

		Entry(Kind kind, String name, String keys, Instant since) {
			this.kind = kind;
			this.name = name;
			this.keys = keys;
			this.since = since;
		}

		Kind kind() {
			return this.kind;
		}

		String name() {
			return this.name;
		}

		String keys() {
			return this.keys;
		}

		Instant since() {
			return this.since;
		}

		void fenced(String fencingToken) {
			this.fencingToken = fencingToken;
		}

		@Nullable
		String fencingToken() {
			return this.fencingToken;
		}

	}

}
