package dev.baton.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.baton.ai.AiBudgets;
import dev.baton.ai.AiGatewayClient;

import org.springframework.lang.Nullable;

/**
 * The AI client's budgets as the {@code baton} endpoint shows them, read when asked (see
 * {@link AiGatewayClient#budgets()}): nothing is spent to look.
 */
final class AiBudgetsView {

	/** A bound on the read; the client's own Redis timeout normally ends it much sooner. */
	private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

	private final AiGatewayClient client;

	AiBudgetsView(AiGatewayClient client) {
		this.client = client;
	}

	Map<String, Object> describe() {
		AiBudgets budgets = this.client.budgets().block(READ_TIMEOUT);
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("scope", budgets.scope().name().toLowerCase(Locale.ROOT));
		putBudget(view, "requests", budgets.requests());
		putBudget(view, "tokens", budgets.tokens());
		view.put("paused", budgets.pausedUntil() != null);
		if (budgets.pausedUntil() != null) {
			view.put("pausedUntil", budgets.pausedUntil().toString());
		}
		AiBudgets.Calls calls = budgets.calls();
		Map<String, Object> slots = new LinkedHashMap<>();
		slots.put("inFlight", calls.inFlight());
		slots.put("limit", calls.limit());
		slots.put("waiting", calls.waiting());
		view.put("calls", slots);
		return view;
	}

	private static void putBudget(Map<String, Object> view, String name, @Nullable AiBudgets.Budget budget) {
		if (budget != null) {
			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("limit", budget.limit());
			figures.put("left", budget.left());
			figures.put("window", budget.window().toString());
			view.put(name, figures);
		}
	}

}
