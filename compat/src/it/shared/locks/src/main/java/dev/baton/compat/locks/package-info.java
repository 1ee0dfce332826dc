/**
 * The application the compatibility tests build with the locks starters only: no web starter.
 */
package dev.baton.compat.locks;
