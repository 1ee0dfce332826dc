/**
 * A Boot 4 application built with Baton's Boot 3.5 starter, to see how it fails.
 */
package dev.baton.compat.wrongline;
