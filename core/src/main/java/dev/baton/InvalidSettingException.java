package dev.baton;

/**
 * A setting of a feature that cannot work: a lease too short, a prefix with braces, a budget of
 * zero. Says the setting's name in the feature's own words ({@code leaseTime}); the Spring Boot
 * layer turns it into the property to review ({@code baton.lock.lease-time}).
 */
public class InvalidSettingException extends IllegalArgumentException {

	private final String feature;

	private final String setting;

	/**
	 * @param feature the feature, as in Baton's key names: {@code lock}, {@code singleflight},
	 * {@code ai}, {@code redis}
	 * @param setting the setting's name in the feature's builder or options ({@code leaseTime})
	 * @param problem what is wrong, starting with a verb ({@code "must be at least 3 ms, got PT0S"})
	 */
	public InvalidSettingException(String feature, String setting, String problem) {
		super(setting + " " + problem);
		this.feature = feature;
		this.setting = setting;
	}

	/** @return the feature whose setting this is ({@code lock}) */
	public String getFeature() {
		return this.feature;
	}

	/** @return the setting's name ({@code leaseTime}) */
	public String getSetting() {
		return this.setting;
	}

}
