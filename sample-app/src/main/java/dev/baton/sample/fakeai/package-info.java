/**
 * A fake OpenAI-compatible {@code /v1/chat/completions} served by the app itself (profile
 * {@code fake-ai}, on by default), so that the demo runs offline. It has its own rate limit and
 * answers some requests with 429 on purpose, as real providers do.
 */
package dev.baton.sample.fakeai;
