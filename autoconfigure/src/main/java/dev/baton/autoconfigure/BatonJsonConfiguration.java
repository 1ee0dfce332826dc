package dev.baton.autoconfigure;

import dev.baton.json.Jackson2JsonCodec;
import dev.baton.json.Jackson3JsonCodec;
import dev.baton.json.JsonCodec;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The {@link JsonCodec} for single-flight values and AI payloads: over the application's Jackson 3
 * {@code JsonMapper} (Spring Boot 4), else its Jackson 2 {@code ObjectMapper} (Spring Boot 3.5),
 * else a mapper with the modules on the class path: one of the three, by their conditions. Both
 * mappers write the same JSON, so instances on either line share stored values.
 */
@Configuration(proxyBeanMethods = false)
@Import({ BatonJsonConfiguration.Jackson3.class, BatonJsonConfiguration.Jackson2.class,
		BatonJsonConfiguration.Standard.class })
class BatonJsonConfiguration {

	private static final String JSON_MAPPER_3 = "tools.jackson.databind.json.JsonMapper";

	private static final String OBJECT_MAPPER_2 = "com.fasterxml.jackson.databind.ObjectMapper";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = JSON_MAPPER_3)
	@ConditionalOnBean(type = JSON_MAPPER_3)
	static class Jackson3 {

		@Bean
		@ConditionalOnMissingBean
		JsonCodec batonJsonCodec(tools.jackson.databind.json.JsonMapper mapper) {
			return new Jackson3JsonCodec(mapper);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = OBJECT_MAPPER_2)
	@ConditionalOnBean(type = OBJECT_MAPPER_2)
	@ConditionalOnMissingBean(type = JSON_MAPPER_3)
	static class Jackson2 {

		@Bean
		@ConditionalOnMissingBean
		JsonCodec batonJsonCodec(com.fasterxml.jackson.databind.ObjectMapper mapper) {
			return new Jackson2JsonCodec(mapper);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(type = { JSON_MAPPER_3, OBJECT_MAPPER_2 })
	static class Standard {

		@Bean
		@ConditionalOnMissingBean
		JsonCodec batonJsonCodec() {
			return JsonCodec.standard();
		}

	}

}
