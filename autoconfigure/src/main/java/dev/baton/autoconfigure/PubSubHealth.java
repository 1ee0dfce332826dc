package dev.baton.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Whether the JVM's pub/sub subscription (through which lock waiters and flight followers are
 * woken) is alive: publishes a probe on a channel of this JVM's own and waits for it to come
 * back through the subscription. A probe that does not come back within the timeout means the
 * subscription is gone (its connection killed, Redis unreachable): DOWN, until a probe comes
 * back again.
 */
final class PubSubHealth implements BatonHealth.Component {

	private final RedisConnectionFactory connectionFactory;

	private final byte[] channel;

	private final Duration timeout;

	private final AtomicLong probes = new AtomicLong();

	private final ConcurrentHashMap<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();

	PubSubHealth(RedisPubSubHub hub, RedisConnectionFactory connectionFactory, RedisKeyspace keyspace,
			Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.timeout = timeout;
		String channel = keyspace.channel("health", UUID.randomUUID().toString());
		this.channel = channel.getBytes(StandardCharsets.UTF_8);
		hub.subscribe(channel, (probe) -> {
			CompletableFuture<Void> waiting = this.pending.remove(probe);
			if (waiting != null) {
				waiting.complete(null);
			}
		});
	}

	@Override
	public String name() {
		return "pubSub";
	}

	@Override
	public BatonHealth.Report check() {
		String probe = Long.toString(this.probes.incrementAndGet());
		CompletableFuture<Void> echo = new CompletableFuture<>();
		this.pending.put(probe, echo);
		long start = System.nanoTime();
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.publish(this.channel, probe.getBytes(StandardCharsets.UTF_8));
			echo.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
			return BatonHealth.Report.up(BatonHealth.Report.details("roundTrip",
					Duration.ofNanos(System.nanoTime() - start).toMillis() + "ms"));
		}
		catch (TimeoutException ex) {
			return BatonHealth.Report.down(BatonHealth.Report.details("error",
					"a probe published on the subscription's channel did not come back within " + this.timeout));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return BatonHealth.Report.down(BatonHealth.Report.details("error", "interrupted"));
		}
		catch (ExecutionException | RuntimeException ex) {
			return BatonHealth.Report.down(BatonHealth.Report.details("error", "could not publish a probe: " + ex));
		}
		finally {
			this.pending.remove(probe);
		}
	}

}
