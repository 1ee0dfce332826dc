package dev.baton.autoconfigure;

import dev.baton.aop.DurationAttribute;
import dev.baton.aop.KeyExpressionEvaluator;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * What Baton's aspects and their start-up validators share: one key-expression evaluator (so
 * an expression parsed at start-up is the one evaluated at call time) and the duration
 * reader. Each feature's auto-configuration imports this class; Spring processes it once.
 * <p>
 * The beans are static and infrastructure-role because the annotation validators, which are
 * {@code BeanPostProcessor}s, depend on them and are created before ordinary beans.
 */
@Configuration(proxyBeanMethods = false)
class BatonAopConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static KeyExpressionEvaluator batonKeyExpressionEvaluator(BeanFactory beanFactory) {
		return new KeyExpressionEvaluator(beanFactory);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static DurationAttribute batonDurationAttribute(Environment environment) {
		return new DurationAttribute(environment);
	}

}
