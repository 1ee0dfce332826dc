/**
 * Spring Boot auto-configuration: one class per feature, each bean
 * {@code @ConditionalOnMissingBean}, everything off with {@code baton.enabled=false}.
 */
package dev.baton.autoconfigure;
