/**
 * Baton: concurrency for clustered Spring services. Feature packages ({@code lock},
 * {@code mutex}, {@code singleflight}, {@code ai}) are plain Java on Spring Data Redis; the
 * {@code annotation}, {@code aop} and {@code autoconfigure} packages wire them into Spring.
 */
package dev.baton;
