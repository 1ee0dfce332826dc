package dev.baton.sample.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;

/**
 * A SKU: 1 to 64 letters, digits, {@code -} or {@code _}. Nothing else reaches a Redis key, so
 * a SKU can never break out of its key's hash tag.
 */
@Pattern(regexp = "[A-Za-z0-9_-]{1,64}")
@Constraint(validatedBy = {})
@ReportAsSingleViolation
@Target({ ElementType.PARAMETER, ElementType.FIELD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Sku {

	String message() default "must be 1 to 64 letters, digits, '-' or '_'";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
