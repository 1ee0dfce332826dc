package dev.baton.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.lang.Nullable;

/**
 * The {@code baton} health, on both Boot lines: each feature the application uses contributes
 * a component; the health is DOWN when one of them is down. A feature that is not used
 * contributes nothing, so it can never make the application DOWN. The Boot line's
 * {@code BatonHealthIndicator} turns the {@link Report} into its own {@code Health}.
 */
final class BatonHealth {

	private final List<Component> components;

	BatonHealth(List<Component> components) {
		this.components = List.copyOf(components);
	}

	Report check() {
		boolean up = true;
		Map<String, Object> details = new LinkedHashMap<>();
		for (Component component : this.components) {
			Report report = component.check();
			up &= report.up();
			details.put(component.name(), report.asDetails());
		}
		return new Report(up, details);
	}

	/** One part of the health, such as the pub/sub subscription. */
	interface Component {

		/** Its key in the details. */
		String name();

		Report check();

	}

	/**
	 * A plain health: up or down, and details.
	 * @param up whether it is up
	 * @param details what it found, shown as the health's details
	 */
	record Report(boolean up, Map<String, Object> details) {

		static Report up(Map<String, Object> details) {
			return new Report(true, details);
		}

		static Report down(Map<String, Object> details) {
			return new Report(false, details);
		}

		/** The status as Boot spells it. */
		String status() {
			return this.up ? "UP" : "DOWN";
		}

		Map<String, Object> asDetails() {
			Map<String, Object> map = new LinkedHashMap<>();
			map.put("status", status());
			map.putAll(this.details);
			return map;
		}

		static Map<String, Object> details(Object... pairs) {
			Map<String, Object> map = new LinkedHashMap<>();
			for (int i = 0; i < pairs.length; i += 2) {
				put(map, (String) pairs[i], pairs[i + 1]);
			}
			return map;
		}

		private static void put(Map<String, Object> map, String key, @Nullable Object value) {
			if (value != null) {
				map.put(key, value);
			}
		}

	}

}
