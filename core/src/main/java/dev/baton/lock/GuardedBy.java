package dev.baton.lock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What guards a mutable field: {@code "this"} (the enclosing object's monitor), another lock,
 * or a single writer (e.g. {@code "local owner"}: only the key's local owner writes it, one at a
 * time). Only the enclosing class writes the field; others read it through its methods.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
@interface GuardedBy {

	String value();

}
