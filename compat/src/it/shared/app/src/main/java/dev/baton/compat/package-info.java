/**
 * The application the compatibility tests build on each Boot line: a lock, a keyed mutex and a
 * single-flight service, as a user writes them.
 */
package dev.baton.compat;
