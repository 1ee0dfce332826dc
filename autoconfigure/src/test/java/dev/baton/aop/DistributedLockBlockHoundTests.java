package dev.baton.aop;

import java.time.Duration;

import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.BootAutoConfigurations;
import dev.baton.autoconfigure.DistributedLockAutoConfiguration;
import dev.baton.test.RedisTestServers;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A reactive {@code @DistributedLock} method never blocks a Netty event loop: BlockHound
 * (installed for every test of this module by {@code BlockHoundInstallation}) turns any
 * blocking call there into an error.
 */
class DistributedLockBlockHoundTests {

	@Test
	void thousandConcurrentSubscriptionsOnANettyEventLoopNeverBlockAndStayExclusive() {
		EventLoopGroup loop = new NioEventLoopGroup(1);
		Scheduler eventLoop = Schedulers.fromExecutorService(loop);
		try {
			// BlockHound is watching this thread: a sleep on it fails.
			assertThatThrownBy(() -> Mono.fromCallable(() -> {
				Thread.sleep(1);
				return 1;
			}).subscribeOn(eventLoop).block(Duration.ofSeconds(5))).hasCauseInstanceOf(BlockingOperationError.class);
			new ApplicationContextRunner()
				.withConfiguration(BootAutoConfigurations.redis())
				.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
						DistributedLockAutoConfiguration.class))
				.withPropertyValues(RedisTestServers.shared().springProperties())
				.withPropertyValues("baton.redis.key-prefix=hound" + System.nanoTime())
				.withBean(LockedService.class)
				.run((context) -> {
					LockedService service = context.getBean(LockedService.class);
					Long completed = Flux.range(0, 1000)
						.flatMap((i) -> service.reactive("hot").subscribeOn(eventLoop), 1000)
						.count()
						.block(Duration.ofSeconds(120));
					assertThat(completed).isEqualTo(1000);
					assertThat(service.maxInside()).isEqualTo(1);
				});
		}
		finally {
			eventLoop.dispose();
			loop.shutdownGracefully();
		}
	}

}
