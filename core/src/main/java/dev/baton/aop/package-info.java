/**
 * What Baton's aspects share and the aspects themselves: return-type handling
 * ({@link dev.baton.aop.GuardedInvocation}), SpEL keys ({@link dev.baton.aop.KeyExpressionEvaluator}),
 * duration attributes, aspect order and start-up validation of annotated methods. An aspect
 * resolves the key, asks its feature for a {@link dev.baton.aop.Permit} through a
 * {@link dev.baton.aop.Guard}, runs the method and gives the permit back.
 */
package dev.baton.aop;
