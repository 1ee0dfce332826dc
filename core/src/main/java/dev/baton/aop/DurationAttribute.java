package dev.baton.aop;

import java.lang.reflect.Method;
import java.time.Duration;

import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.lang.Nullable;

/**
 * Reads the duration attributes of Baton's annotations: {@code "500ms"}, {@code "2s"},
 * {@code "PT30S"}, {@code "${flash.wait:1s}"}; an empty string means "not set, use the
 * feature's default". Placeholders resolve through a {@link PropertyResolver} (the
 * application's {@code Environment}).
 */
public final class DurationAttribute {

	private final PropertyResolver resolver;

	/**
	 * @param resolver resolves {@code ${...}} placeholders, usually the {@code Environment}
	 */
	public DurationAttribute(PropertyResolver resolver) {
		this.resolver = resolver;
	}

	/**
	 * Resolves one attribute.
	 * @param method the annotated method, for the message
	 * @param attribute the attribute's name, for the message
	 * @param text the attribute's value
	 * @return the duration, or {@code null} when the text (after placeholders) is empty
	 * @throws IllegalStateException naming the method, the attribute and the text when it is
	 * not a duration, a placeholder cannot be resolved, or the duration is negative
	 */
	@Nullable
	public Duration resolve(Method method, String attribute, String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		Duration duration;
		try {
			String resolved = this.resolver.resolveRequiredPlaceholders(text).trim();
			if (resolved.isEmpty()) {
				return null;
			}
			duration = DurationFormatterUtils.detectAndParse(resolved);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(method, attribute, text, ex.getMessage());
		}
		if (duration.isNegative()) {
			throw invalid(method, attribute, text, "a duration cannot be negative");
		}
		return duration;
	}

	private static IllegalStateException invalid(Method method, String attribute, String text, String why) {
		return new IllegalStateException("Invalid " + attribute + " '" + text + "' on " + MethodLabel.describe(method)
				+ ": " + why + " (use e.g. \"500ms\", \"2s\", \"PT30S\" or \"${property:1s}\")");
	}

}
