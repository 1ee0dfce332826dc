package dev.baton.compat.locks;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A user's application without a web server of its own (a batch job, a queue consumer) with
 * Baton's locks starter: it must stay one. The same sources build on Boot 3.5 and Boot 4.
 */
@SpringBootApplication
public class LocksOnlyApplication {

	public static void main(String[] args) {
		SpringApplication.run(LocksOnlyApplication.class, args);
	}

}
