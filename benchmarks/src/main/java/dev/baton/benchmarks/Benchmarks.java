package dev.baton.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Runs one benchmark by name: {@code java -jar benchmarks/target/baton-benchmarks.jar mutex}
 * runs {@code MutexBenchmark}, {@code redis-cpu} runs {@code RedisCpuBenchmark}. Each benchmark measures Baton and its peers in the same run and
 * prints a Markdown table of figures and ratios.
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			System.err.println("usage: java -jar baton-benchmarks.jar <name> [args...]  (names: lock, redis-cpu, mutex, singleflight, ai, observability)");
			System.exit(2);
		}
		String className = Benchmarks.class.getPackageName() + "." + simpleName(args[0]) + "Benchmark";
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

	/** {@code redis-cpu} as {@code RedisCpu}. */
	private static String simpleName(String name) {
		StringBuilder simple = new StringBuilder();
		for (String part : name.toLowerCase(Locale.ROOT).split("-")) {
			if (!part.isEmpty()) {
				simple.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
			}
		}
		return simple.toString();
	}

}
