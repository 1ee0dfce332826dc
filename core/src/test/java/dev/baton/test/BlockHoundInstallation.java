package dev.baton.test;

import org.junit.jupiter.api.extension.Extension;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Installs BlockHound once per test JVM, before the first test runs, so any blocking call on a
 * Reactor non-blocking thread fails the test that made it. Installing it later, from one test
 * class, re-instruments JDK classes under threads already parked in them and breaks Reactor's
 * shared schedulers for the rest of the run. Loaded through JUnit's extension auto-detection.
 */
public final class BlockHoundInstallation implements Extension {

	static {
		// The integrations on the class path (Reactor's, Netty's) plus one that prints where a
		// blocking call happened: the error often ends up as a value (a failed result) whose
		// message alone does not say which code blocked.
		BlockHound.install((builder) -> builder
			// resilience4j's rate limiter backs off a lost compare-and-set with parkNanos(1), a
			// yield rather than a wait; its own Reactor operator runs it on event loops.
			.allowBlockingCallsInside("io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter", "compareAndSet")
			// Netty 4.2 (Spring Boot 4's) allocates through AdaptivePoolingAllocator, whose magazine
			// group takes a StampedLock when it grows: contended, that parks an event loop briefly.
			// Netty's own BlockHound integration does not list it; it is Netty's to fix, not ours.
			.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
			// Lettuce's cluster client registers a new node connection under a ReentrantLock, on
			// the event loop that completed the handshake; contended, it parks (the same synthetic
			// method in Lettuce 6.6 and 6.8). Seen in SingleFlightOnClusterTests as "Unable to connect".
			.allowBlockingCallsInside("io.lettuce.core.cluster.PooledClusterConnectionProvider$NodeConnectionPostProcessor",
					"lambda$apply$4")
			// A command redirected to a master Lettuce has no connection to yet (a failover's new
			// master answering MOVED) connects to it on the event loop that read the redirection;
			// building the connection's synchronous API takes the lock of Lettuce's method cache
			// (MethodTranslator.of), which parks when contended. Under BlockHound the error broke
			// the connection and failed the watchdog's renewals in ClusterFailoverTests.
			.allowBlockingCallsInside("io.lettuce.core.internal.AbstractInvocationHandler$MethodTranslator", "of")
			// resilience4j's Spring Boot module keeps each bulkhead's recent events for Actuator in a
			// ConcurrentEvictingQueue, written under a StampedLock: a permit released on an event loop
			// publishes an event there and, contended, parks for the length of one ring-buffer write
			// (seen in AiGatewayAutoConfigurationTests on Boot 4). resilience4j's, not ours.
			.allowBlockingCallsInside("io.github.resilience4j.circularbuffer.ConcurrentEvictingQueue",
					"writeConcurrently")
			.blockingMethodCallback((method) -> {
				BlockingOperationError error = new BlockingOperationError(method);
				error.printStackTrace(System.out);
				throw error;
			}));
	}

}
