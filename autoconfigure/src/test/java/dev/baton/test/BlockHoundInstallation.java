package dev.baton.test;

import org.junit.jupiter.api.extension.Extension;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once per test JVM, before the first test runs, so any blocking call on a
 * Reactor non-blocking thread fails the test that made it. Installing it later, from one test
 * class, re-instruments JDK classes under threads already parked in them and breaks Reactor's
 * shared schedulers for the rest of the run. Loaded through JUnit's extension auto-detection.
 */
public final class BlockHoundInstallation implements Extension {

	static {
		BlockHound.install();
	}

}
