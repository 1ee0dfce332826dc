package dev.baton.compat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.annotation.KeyedMutex;

import org.springframework.stereotype.Service;

/** Work serialised per key by {@code @KeyedMutex}, recording how many callers were inside at once. */
@Service
public class Workbench {

	private final AtomicInteger inside = new AtomicInteger();

	private final AtomicInteger mostInside = new AtomicInteger();

	/**
	 * Counts itself in, says so, and stays until {@code leave} opens.
	 * @param key the mutex key
	 * @param entered counted down once this call holds the mutex
	 * @param leave what the call waits for before it gives the mutex back
	 */
	@KeyedMutex(key = "#key", waitTime = "30s")
	public void work(String key, CountDownLatch entered, CountDownLatch leave) throws InterruptedException {
		this.mostInside.accumulateAndGet(this.inside.incrementAndGet(), Math::max);
		try {
			entered.countDown();
			if (!leave.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Nobody let the worker on " + key + " leave");
			}
		}
		finally {
			this.inside.decrementAndGet();
		}
	}

	/** The most calls that were inside at once, over every key, since the last reset. */
	public int mostInside() {
		return this.mostInside.get();
	}

	public void reset() {
		this.mostInside.set(this.inside.get());
	}

}
