package dev.baton.compat;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * With {@code --compat.flight=write|read --compat.key=<sku>}: one call of {@link Quotes#quote},
 * then one line on standard output for the test that started this JVM:
 * {@code compat-flight role=<role> boot=<version> loads=<loader runs> value=<Quote.toString()>}.
 * The role only names the step: whether the loader runs depends on what Redis holds.
 */
@Component
@ConditionalOnProperty(FlightCommand.ROLE)
class FlightCommand implements CommandLineRunner {

	static final String ROLE = "compat.flight";

	private final Quotes quotes;

	private final Environment environment;

	FlightCommand(Quotes quotes, Environment environment) {
		this.quotes = quotes;
		this.environment = environment;
	}

	@Override
	public void run(String... args) throws Exception {
		Quote quote = this.quotes.quote(this.environment.getRequiredProperty("compat.key"));
		System.out.println("compat-flight role=" + this.environment.getProperty(ROLE) + " boot="
				+ SpringBootVersion.getVersion() + " loads=" + this.quotes.loads() + " value=" + quote);
	}

}
