package dev.baton.sample.description;

import jakarta.validation.constraints.Size;

/** Optional body of {@code POST /api/products/{sku}/description}: {@code {"tone": "playful"}}. */
record DescriptionRequest(@Size(max = 40) String tone) {

	static final DescriptionRequest DEFAULT = new DescriptionRequest(null);

	String toneOrDefault() {
		return (this.tone != null && !this.tone.isBlank()) ? this.tone : "enthusiastic";
	}

}
