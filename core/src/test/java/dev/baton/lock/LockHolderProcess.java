package dev.baton.lock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;

import dev.baton.redis.RedisKeyspace;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A lock holder in its own JVM, for crash (SIGKILL) and pause (SIGSTOP) tests. Arguments: host,
 * port, key prefix, lock key, lease in ms (0: the watchdog with a lease of 1 s). Prints
 * {@code ACQUIRED <token>}, then on the line {@code WRITE} does a fenced write and prints
 * {@code WROTE} or {@code REFUSED}, then unlocks and prints {@code RELEASED} or {@code LOST}.
 */
public final class LockHolderProcess {

	private LockHolderProcess() {
	}

	public static void main(String[] args) throws Exception {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(args[0], Integer.parseInt(args[1])));
		factory.afterPropertiesSet();
		factory.start();
		long leaseMillis = Long.parseLong(args[4]);
		LockOptions options = new LockOptions(Duration.ofSeconds(1), 8, true);
		try (RedisLockRegistry registry = new RedisLockRegistry(factory, new RedisKeyspace(args[2]), null, options)) {
			DistributedLock lock = registry.obtain(args[3]);
			Duration lease = (leaseMillis > 0) ? Duration.ofMillis(leaseMillis) : null;
			// The token comes with the lock: the line below goes out as soon as the lock is taken.
			if (!lock.tryLockWithToken(Duration.ofSeconds(10), lease)) {
				System.out.println("TIMEOUT");
				return;
			}
			long token = lock.fencingToken();
			System.out.println("ACQUIRED " + token);
			System.out.flush();
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
			String line = in.readLine();
			if ("WRITE".equals(line)) {
				boolean wrote = FencedStore.write(new StringRedisTemplate(factory), args[2] + ":store", token, "child");
				System.out.println(wrote ? "WROTE" : "REFUSED");
			}
			try {
				lock.unlock();
				System.out.println("RELEASED");
			}
			catch (LockLostException ex) {
				System.out.println("LOST");
			}
			System.out.flush();
		}
		finally {
			factory.destroy();
		}
	}

}
