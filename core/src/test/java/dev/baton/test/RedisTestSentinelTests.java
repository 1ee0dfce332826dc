package dev.baton.test;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RedisTestSentinelTests {

	@Test
	void aClientFindsThePrimaryThroughTheSentinelsAndItsWritesReachTheReplica() {
		try (RedisTestSentinel sentinel = RedisTestSentinel.start()) {
			assertThat(sentinel.sentinelPorts()).hasSize(3);
			assertThat(sentinel.primaryInfo("replication")).contains("role:master", "connected_slaves:1");
			LettuceConnectionFactory factory = sentinel.newConnectionFactory();
			try {
				new StringRedisTemplate(factory).opsForValue().set("through-sentinel", "yes");
				assertThat(factory.getSentinelConfiguration()).isNotNull();
				await().atMost(java.time.Duration.ofSeconds(5)).until(() -> sentinel.replicaInfo("keyspace").contains("keys=1"));
			}
			finally {
				factory.destroy();
			}
		}
	}

}
