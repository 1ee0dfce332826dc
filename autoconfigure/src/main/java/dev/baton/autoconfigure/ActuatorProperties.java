package dev.baton.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Baton's actuator endpoint ({@code baton.actuator.*}). */
@ConfigurationProperties("baton.actuator")
public class ActuatorProperties {

	/**
	 * Whether the baton endpoint lists the keys of the locks and flights in progress. Keys may
	 * hold user data: off by default, when only names, times and counts are shown.
	 */
	private boolean showKeys = false;

	public boolean isShowKeys() {
		return this.showKeys;
	}

	public void setShowKeys(boolean showKeys) {
		this.showKeys = showKeys;
	}

}
