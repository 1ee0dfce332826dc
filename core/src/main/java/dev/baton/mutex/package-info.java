/**
 * A keyed mutex inside one JVM: work on the same key runs one at a time, work on different
 * keys in parallel, and a key costs memory only while someone holds or waits for it. Plain
 * Java on Reactor; {@link dev.baton.mutex.KeyedMutexPool} is usable without Spring.
 */
package dev.baton.mutex;
