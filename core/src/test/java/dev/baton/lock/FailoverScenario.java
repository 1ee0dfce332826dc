package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.baton.redis.RedisKeyspace;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the failover tests share, whatever promotes the replica (a cluster or Sentinel): the
 * test's registries and servers, closed in reverse order after it, and the run in which the
 * primary under a held lock dies and another instance takes that lock.
 */
final class FailoverScenario implements AutoCloseable {

	/** Watchdog leases renewed every second, so renewals cross the failover. */
	private static final LockOptions OPTIONS = new LockOptions(Duration.ofSeconds(3), 64, true);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	/** A registry on its own connection factory, both closed with the scenario. */
	RedisLockRegistry registry(LettuceConnectionFactory factory, RedisKeyspace keyspace) {
		closeLater(factory::destroy);
		return closeLater(new RedisLockRegistry(factory, keyspace, null, OPTIONS));
	}

	<T extends AutoCloseable> T closeLater(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	@Override
	public void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	/**
	 * Kills the primary under {@code held}, then takes {@code next} (another instance's lock on the
	 * same key) with bounded tries, and releases {@code held}. Either the holder's renewals failed
	 * until its lease ended (free then), or a renewal reached the promoted replica in time and the
	 * holder kept the lock (free at its release): both are correct. Asserts that the lock was
	 * taken with a higher token and that the old holder's release did not hang; the caller
	 * unlocks {@code next}.
	 */
	static Reacquisition reacquireAfter(Runnable killPrimary, LockHold held, DistributedLock next) throws Exception {
		long start = System.nanoTime();
		killPrimary.run();
		long promotedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		List<String> failures = new ArrayList<>();
		boolean taken = takeWithin(next, Duration.ofSeconds(10), failures);
		long reacquiredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		boolean keptByHolder = !taken;
		if (keptByHolder) {
			assertThat(held.isValid()).as("not reacquirable, so still held by its holder").isTrue();
			held.release().block(Duration.ofSeconds(10));
			taken = takeWithin(next, Duration.ofSeconds(10), failures);
		}
		assertThat(taken).as("reacquired").isTrue();
		assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
		// The holder hears at the latest at its release: lost (or the store unreachable), never a hang.
		String released = keptByHolder ? "released before" : releaseOf(held);
		assertThat(released).isIn("LockLostException", "released", "released before");
		return new Reacquisition(promotedMillis, reacquiredMillis, keptByHolder, failures, released);
	}

	private static String releaseOf(LockHold held) {
		try {
			held.release().block(Duration.ofSeconds(10));
			return "released";
		}
		catch (LockException ex) {
			return ex.getClass().getSimpleName();
		}
	}

	/** Tries {@code lock} for up to {@code within}, each try bounded; failures (their messages) collected. */
	private static boolean takeWithin(DistributedLock lock, Duration within, List<String> failures)
			throws InterruptedException {
		long until = System.nanoTime() + within.toNanos();
		while (System.nanoTime() < until) {
			long call = System.nanoTime();
			try {
				if (lock.tryLock(Duration.ofSeconds(1), null)) {
					return true;
				}
			}
			catch (LockUnavailableException ex) {
				failures.add(ex.getMessage());
			}
			assertThat(Duration.ofNanos(System.nanoTime() - call)).as("one tryLock(1 s)").isLessThan(Duration.ofSeconds(8));
		}
		return false;
	}

	/**
	 * How the lock was taken after the primary died.
	 * @param promotedMillis how long killing the primary took, until a replica was promoted
	 * @param reacquiredMillis from the kill until {@code next} held the lock
	 * @param keptByHolder whether the holder kept the lock across the failover
	 * @param failures the messages of the tries that found the store unavailable
	 * @param released what the old holder's release did
	 */
	record Reacquisition(long promotedMillis, long reacquiredMillis, boolean keptByHolder, List<String> failures,
			String released) {
	}

}
