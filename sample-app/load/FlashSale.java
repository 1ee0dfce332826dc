import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load for the flash-sale demo: opens a sale, fires buyers at several instances at once and
 * prints what was sold, what is left, the order records, the oversell and the response mix.
 * Exits with status 1 when the sale oversold or sold twice to one user.
 *
 * <pre>
 * java sample-app/load/FlashSale.java [--instances http://localhost:8081,http://localhost:8082,http://localhost:8083]
 *     [--sku flash-1] [--stock 100] [--buyers 2000] [--users 1000] [--concurrency 200]
 * </pre>
 * Needs only a JDK 11+: no dependencies, run from source.
 */
public class FlashSale {

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		List<String> instances = List.of(options.get("instances").split(","));
		String sku = options.get("sku");
		int stock = Integer.parseInt(options.get("stock"));
		int buyers = Integer.parseInt(options.get("buyers"));
		int users = Integer.parseInt(options.get("users"));
		int concurrency = Integer.parseInt(options.get("concurrency"));

		HttpResponse<String> opened = send("PUT", instances.get(0) + "/api/flash-sales/" + sku, "{\"stock\": " + stock + "}");
		if (opened.statusCode() != 200) {
			System.err.println("Could not open the sale: " + opened.statusCode() + " " + opened.body());
			System.exit(2);
		}
		System.out.printf("Flash sale %s: stock %d, %d buyers from %d users across %d instances (%d at a time)%n", sku,
				stock, buyers, users, instances.size(), concurrency);

		long start = System.nanoTime();
		Map<String, Long> mix = buy(instances, sku, buyers, users, concurrency);
		double seconds = (System.nanoTime() - start) / 1e9;

		String sale = send("GET", instances.get(instances.size() - 1) + "/api/flash-sales/" + sku, null).body();
		long left = number(sale, "stock");
		long sold = number(sale, "sold");
		long orders = number(sale, "orders");
		long twice = usersWithTwoOrders(instances.get(0), sku);
		long oversold = Math.max(0, orders - sold);

		System.out.println("Responses:");
		mix.forEach((response, count) -> System.out.printf("  %-22s %6d%n", response, count));
		System.out.printf("Sold:                  %6d%n", sold);
		System.out.printf("Stock left:            %6d%n", left);
		System.out.printf("Order records:         %6d%n", orders);
		System.out.printf("Oversold:              %6d  (order records the stock does not account for)%n", oversold);
		System.out.printf("Users with 2+ orders:  %6d%n", twice);
		System.out.printf("Elapsed:               %6.1f s (%.0f requests/s)%n", seconds, buyers / seconds);
		System.exit((oversold > 0 || twice > 0) ? 1 : 0);
	}

	private static Map<String, Long> buy(List<String> instances, String sku, int buyers, int users, int concurrency) {
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < buyers; i++) {
			order.add(i);
		}
		Collections.shuffle(order, new Random(42));
		Semaphore inFlight = new Semaphore(concurrency);
		Map<String, LongAdder> mix = new ConcurrentHashMap<>();
		List<CompletableFuture<?>> calls = new ArrayList<>(buyers);
		for (int i : order) {
			String url = instances.get(i % instances.size()) + "/api/flash-sales/" + sku + "/orders";
			inFlight.acquireUninterruptibly();
			calls.add(http.sendAsync(request("POST", url, "{\"userId\": \"u-" + (i % users) + "\"}"),
					HttpResponse.BodyHandlers.ofString())
				.handle((response, failure) -> {
					inFlight.release();
					mix.computeIfAbsent(describe(response, failure), (key) -> new LongAdder()).increment();
					return null;
				}));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
		Map<String, Long> counts = new TreeMap<>();
		mix.forEach((key, count) -> counts.put(key, count.sum()));
		return counts;
	}

	private static String describe(HttpResponse<String> response, Throwable failure) {
		if (failure != null) {
			return "failed: " + failure.getClass().getSimpleName();
		}
		Matcher error = Pattern.compile("\"error\"\\s*:\\s*\"([^\"]*)\"").matcher(response.body());
		return response.statusCode() + (error.find() ? " " + error.group(1) : "");
	}

	private static long usersWithTwoOrders(String instance, String sku) throws Exception {
		HttpResponse<String> orders = send("GET", instance + "/api/flash-sales/" + sku + "/orders", null);
		Map<String, Integer> perUser = new HashMap<>();
		Matcher user = Pattern.compile("\"userId\"\\s*:\\s*\"([^\"]*)\"").matcher(orders.body());
		while (user.find()) {
			perUser.merge(user.group(1), 1, Integer::sum);
		}
		return perUser.values().stream().filter((count) -> count > 1).count();
	}

	private static long number(String json, String field) {
		Matcher matcher = Pattern.compile("\"" + field + "\"\\s*:\\s*(-?\\d+)").matcher(json);
		if (!matcher.find()) {
			throw new IllegalStateException("No " + field + " in " + json);
		}
		return Long.parseLong(matcher.group(1));
	}

	private static HttpResponse<String> send(String method, String url, String body) throws Exception {
		return http.send(request(method, url, body), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest request(String method, String url, String body) {
		return HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>(Map.of("instances",
				"http://localhost:8081,http://localhost:8082,http://localhost:8083", "sku", "flash-1", "stock", "100",
				"buyers", "2000", "users", "1000", "concurrency", "200"));
		for (int i = 0; i + 1 < args.length; i += 2) {
			if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2))) {
				System.err.println("Unknown option " + args[i] + "; known: " + options.keySet());
				System.exit(2);
			}
			options.put(args[i].substring(2), args[i + 1]);
		}
		return options;
	}

}
