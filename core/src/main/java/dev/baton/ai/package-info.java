/**
 * A rate-limited, retrying client for OpenAI-compatible chat APIs
 * ({@link dev.baton.ai.AiGatewayClient}): concurrency, request and token budgets (local or
 * shared through Redis), retries that honour the server's hints, exact token accounting, and
 * batches that lose nothing. Plain Java on WebClient, Reactor and resilience4j; the
 * auto-configuration only wires it.
 */
package dev.baton.ai;
