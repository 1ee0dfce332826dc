/** Product details behind a deliberately slow loader, the case {@code @SingleFlight} is for. */
package dev.baton.sample.product;
