package dev.baton.singleflight;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;

import dev.baton.redis.RedisKeyspace;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A flight leader in its own JVM, for crash tests. Arguments: host, port, key prefix, flight
 * key, lease in ms. Leads the flight, prints {@code LEADING}, then computes until a line
 * arrives on stdin (a crash test kills it first) and prints {@code DONE}.
 */
public final class FlightLeaderProcess {

	private FlightLeaderProcess() {
	}

	public static void main(String[] args) throws Exception {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(args[0], Integer.parseInt(args[1])));
		factory.afterPropertiesSet();
		factory.start();
		try (SingleFlight flights = SingleFlight.builder()
			.redis(factory)
			.keyspace(new RedisKeyspace(args[2]))
			.leaseTime(Duration.ofMillis(Long.parseLong(args[4])))
			.build()) {
			flights.execute(args[3], FlightOptions.of(String.class), () -> {
				System.out.println("LEADING");
				System.out.flush();
				return new BufferedReader(new InputStreamReader(System.in)).readLine();
			});
			System.out.println("DONE");
		}
		finally {
			factory.destroy();
		}
	}

}
