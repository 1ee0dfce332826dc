/**
 * Baton's annotations: the front door to its features. Key expressions are SpEL over the
 * method's parameters; durations are strings; everything is checked when the bean is created.
 */
package dev.baton.annotation;
