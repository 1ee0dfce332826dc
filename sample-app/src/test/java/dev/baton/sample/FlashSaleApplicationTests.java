package dev.baton.sample;

import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FlashSaleApplicationTests {

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> RedisTestServers.shared().host());
		registry.add("spring.data.redis.port", () -> RedisTestServers.shared().port());
	}

	@Test
	void healthIsUpWithRedis() {
		String health = new TestRestTemplate().getForObject("http://localhost:" + this.port + "/actuator/health",
				String.class);
		assertThat(health).contains("\"status\":\"UP\"").contains("\"redis\":{\"status\":\"UP\"");
	}

}
