package dev.baton.ai;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final TokenBucket bucket = new TokenBucket(100, Duration.ofSeconds(10), this.now::get);

	@Test
	void grantsTheCapacityAtOnceThenMakesCallersWaitForTheRefill() {
		assertThat(this.bucket.reserve(100, Long.MAX_VALUE)).isZero();
		assertThat(this.bucket.reserve(10, Long.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1).toNanos());
	}

	@Test
	void refusesWithoutReservingWhenTheWaitIsTooLong() {
		this.bucket.reserve(100, Long.MAX_VALUE);
		assertThat(this.bucket.reserve(50, Duration.ofSeconds(1).toNanos())).isEqualTo(-1);
		assertThat(this.bucket.reserve(10, Long.MAX_VALUE)).as("the refused 50 were not taken")
			.isEqualTo(Duration.ofSeconds(1).toNanos());
	}

	@Test
	void settlingGivesUnusedTokensBackAndTakesOverruns() {
		this.bucket.reserve(100, Long.MAX_VALUE);
		this.bucket.adjust(-30);
		assertThat(this.bucket.reserve(30, Long.MAX_VALUE)).isZero();
		this.bucket.adjust(20);
		assertThat(this.bucket.reserve(10, Long.MAX_VALUE)).isEqualTo(Duration.ofSeconds(3).toNanos());
	}

	@Test
	void tellsWhatIsLeftWithoutTakingIt() {
		assertThat(this.bucket.budget()).isEqualTo(new AiBudgets.Budget(100, 100, Duration.ofSeconds(10)));
		this.bucket.reserve(30, Long.MAX_VALUE);
		assertThat(this.bucket.available()).isEqualTo(70);
		assertThat(this.bucket.available()).as("looking took nothing").isEqualTo(70);
		this.now.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(this.bucket.available()).isEqualTo(80);
		this.bucket.reserve(100, Long.MAX_VALUE);
		assertThat(this.bucket.available()).as("callers already wait for room").isZero();
	}

	@Test
	void refillsWithTime() {
		this.bucket.reserve(100, Long.MAX_VALUE);
		this.now.addAndGet(Duration.ofSeconds(5).toNanos());
		assertThat(this.bucket.reserve(50, Long.MAX_VALUE)).isZero();
		assertThat(this.bucket.reserve(1, Long.MAX_VALUE)).isPositive();
	}

	@Test
	void aReservationLargerThanTheCapacityWaitsForAFullBucket() {
		this.bucket.reserve(1, Long.MAX_VALUE);
		assertThat(this.bucket.reserve(150, Long.MAX_VALUE)).isEqualTo(Duration.ofMillis(100).toNanos());
	}

}
