/**
 * What every endpoint of the demo shares: the JSON error body, the exceptions that carry an
 * HTTP status and code, and the SKU constraint.
 */
package dev.baton.sample.web;
