package dev.baton.sample.description;

import dev.baton.sample.web.Sku;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/products/{sku}/description}: answered asynchronously, no thread waits on the AI. */
@RestController
final class DescriptionController {

	private final Copywriter copywriter;

	DescriptionController(Copywriter copywriter) {
		this.copywriter = copywriter;
	}

	@PostMapping("/api/products/{sku}/description")
	Mono<Description> describe(@PathVariable @Sku String sku,
			@RequestBody(required = false) @Valid DescriptionRequest request) {
		return this.copywriter.describe(sku, (request != null) ? request : DescriptionRequest.DEFAULT);
	}

}
