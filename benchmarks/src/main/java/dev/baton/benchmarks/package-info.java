/**
 * Side-by-side measurements of Baton against its peers, in one run each, reported as ratios.
 * Run by their own command ({@link dev.baton.benchmarks.Benchmarks}), never by the tests.
 */
package dev.baton.benchmarks;
