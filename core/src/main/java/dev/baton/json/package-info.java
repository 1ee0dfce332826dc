/**
 * JSON for the values Baton stores or sends: single-flight results in Redis, AI request and
 * response bodies. {@link dev.baton.json.JsonCodec} is the small seam; its two implementations
 * use Jackson 3 (Spring Boot 4 applications) or Jackson 2 (Spring Boot 3.5 applications), and
 * both write the same JSON for the same value, so a fleet mid-migration shares stored values.
 */
package dev.baton.json;
