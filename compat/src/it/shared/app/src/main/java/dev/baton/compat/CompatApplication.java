package dev.baton.compat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A user's application on one Boot line with Baton's full starter: the same sources build on
 * Boot 3.5 and Boot 4. Run with {@code --compat.flight=write|read --compat.key=<sku>} it makes
 * one single-flight call, prints what it got (see {@link FlightCommand}) and exits.
 */
@SpringBootApplication
public class CompatApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(CompatApplication.class, args);
		if (context.getEnvironment().containsProperty(FlightCommand.ROLE)) {
			System.exit(SpringApplication.exit(context));
		}
	}

}
