package dev.baton.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Runs one benchmark by name: {@code java -jar benchmarks/target/baton-benchmarks.jar mutex}
 * runs {@code MutexBenchmark}. Each benchmark measures Baton and its peers in the same run and
 * prints a Markdown table of figures and ratios.
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			System.err.println("usage: java -jar baton-benchmarks.jar <name> [args...]  (names: lock, mutex, singleflight, ai)");
			System.exit(2);
		}
		String name = args[0].toLowerCase(Locale.ROOT);
		String className = Benchmarks.class.getPackageName() + "." + Character.toUpperCase(name.charAt(0))
				+ name.substring(1) + "Benchmark";
		Class<?> benchmark;
		try {
			benchmark = Class.forName(className);
		}
		catch (ClassNotFoundException ex) {
			System.err.println("No benchmark named '" + args[0] + "' (looked for " + className + ")");
			System.exit(2);
			return;
		}
		benchmark.getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
	}

}
