/**
 * What Baton's aspects share and the aspects themselves: return-type handling
 * ({@link dev.baton.aop.GuardedInvocation}), SpEL keys and conditions
 * ({@link dev.baton.aop.KeyExpressionEvaluator}), duration attributes, timeout policies, aspect
 * order, where annotations are found ({@link dev.baton.aop.GuardedMethods}: class, interface,
 * superclass, meta-annotation) and start-up validation of annotated methods. An aspect is a
 * method interceptor that {@link dev.baton.aop.GuardAdvisor} applies; it checks the condition,
 * resolves the key, asks its feature for a {@link dev.baton.aop.Permit} through a
 * {@link dev.baton.aop.Guard}, runs the method and gives the permit back.
 */
package dev.baton.aop;
