/**
 * The flash sale: its HTTP API, the deliberately non-atomic purchase kept in Redis, and the two
 * ways to run it, guarded by Baton's annotations or not ({@code sample.locking}).
 */
package dev.baton.sample.sale;
