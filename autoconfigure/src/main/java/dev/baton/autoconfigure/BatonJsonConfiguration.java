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
 * else a mapper with the modules on the class path. Both write the same JSON, so instances on
 * either line share stored values.
 */
@Configuration(proxyBeanMethods = false)
@Import({ BatonJsonConfiguration.Jackson3.class, BatonJsonConfiguration.Jackson2.class,
		BatonJsonConfiguration.Standard.class })
class BatonJsonConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
	@ConditionalOnBean(type = "tools.jackson.databind.json.JsonMapper")
	static class Jackson3 {

		@Bean
		@ConditionalOnMissingBean
		JsonCodec batonJsonCodec(tools.jackson.databind.json.JsonMapper mapper) {
			return new Jackson3JsonCodec(mapper);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.fasterxml.jackson.databind.ObjectMapper")
	@ConditionalOnBean(type = "com.fasterxml.jackson.databind.ObjectMapper")
	static class Jackson2 {

		@Bean
		@ConditionalOnMissingBean
		JsonCodec batonJsonCodec(com.fasterxml.jackson.databind.ObjectMapper mapper) {
			return new Jackson2JsonCodec(mapper);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Standard {

		@Bean
		@ConditionalOnMissingBean
		JsonCodec batonJsonCodec() {
			return JsonCodec.standard();
		}

	}

}
