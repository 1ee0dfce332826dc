/**
 * The flash-sale demo: the application, and what lets it run anywhere (a local Redis when none
 * is configured, a fixed port for the fake AI endpoint).
 */
package dev.baton.sample;
