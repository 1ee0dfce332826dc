/** Marketing blurbs written through Baton's {@code AiGatewayClient}. */
package dev.baton.sample.description;
