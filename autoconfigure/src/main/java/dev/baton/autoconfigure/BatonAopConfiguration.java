package dev.baton.autoconfigure;

import dev.baton.annotation.OnTimeout;
import dev.baton.aop.DurationAttribute;
import dev.baton.aop.KeyExpressionEvaluator;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * What Baton's aspects and their start-up validators share: one key-expression evaluator (so
 * an expression parsed at start-up is the one evaluated at call time) and the duration
 * reader. Each feature's auto-configuration imports this class; Spring processes it once.
 * <p>
 * The beans are static and infrastructure-role because the annotation validators, which are
 * {@code BeanPostProcessor}s, depend on them and are created before ordinary beans.
 */
@Configuration(proxyBeanMethods = false)
@Import(BatonAopConfiguration.AutoProxying.class)
class BatonAopConfiguration {

	/**
	 * A feature's default {@code onTimeout}, read for the start-up validators, which are created
	 * before configuration properties beans should be.
	 */
	static OnTimeout onTimeout(Environment environment, String property) {
		return Binder.get(environment).bind(property, OnTimeout.class).orElse(OnTimeout.THROW);
	}

	/**
	 * Makes sure some auto-proxy creator applies Baton's advisors, as
	 * {@code @EnableTransactionManagement} does for transactions: a method that start-up validation
	 * accepted must not run unguarded because {@code spring.aop.auto} is off. Spring Boot's own
	 * AOP auto-configuration, when on, upgrades this creator to its AspectJ-aware one.
	 */
	static class AutoProxying implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		}

	}

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
