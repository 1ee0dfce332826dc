package dev.baton.ai;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of {@code chatAll} batches: every result is metered, the results still to come
 * are a gauge, and each batch logs a DEBUG line every 10%.
 */
final class BatchProgress {

	private static final Logger logger = LoggerFactory.getLogger(AiGatewayClient.class);

	private final AiGatewayMetrics metrics;

	private final AtomicInteger pending = new AtomicInteger();

	BatchProgress(AiGatewayMetrics metrics) {
		this.metrics = metrics;
	}

	int pending() {
		return this.pending.get();
	}

	Tracker start(int size) {
		this.pending.addAndGet(size);
		return new Tracker(size);
	}

	/** One batch. */
	final class Tracker {

		private final int size;

		private final AtomicInteger done = new AtomicInteger();

		private final AtomicInteger failed = new AtomicInteger();

		Tracker(int size) {
			this.size = size;
		}

		void resultIn(BatchResult result) {
			BatchProgress.this.pending.decrementAndGet();
			BatchProgress.this.metrics.batchResult(result.isSuccess() ? "success" : "failure");
			if (!result.isSuccess()) {
				this.failed.incrementAndGet();
			}
			int done = this.done.incrementAndGet();
			if (logger.isDebugEnabled() && (done * 10L / this.size) > ((done - 1) * 10L / this.size)) {
				logger.debug("chatAll: {}/{} results ({} failed)", done, this.size, this.failed.get());
			}
		}

		/** Whatever did not arrive (the batch was cancelled) is no longer pending. */
		void finish() {
			BatchProgress.this.pending.addAndGet(-(this.size - this.done.get()));
		}

	}

}
