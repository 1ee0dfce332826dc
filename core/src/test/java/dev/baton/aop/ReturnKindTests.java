package dev.baton.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ReturnKindTests {

	@Test
	void classifiesByDeclaredReturnType() {
		assertThat(ReturnKind.of(method("plain"))).isEqualTo(ReturnKind.PLAIN);
		assertThat(ReturnKind.of(method("nothing"))).isEqualTo(ReturnKind.PLAIN);
		assertThat(ReturnKind.of(method("mono"))).isEqualTo(ReturnKind.MONO);
		assertThat(ReturnKind.of(method("flux"))).isEqualTo(ReturnKind.FLUX);
		assertThat(ReturnKind.of(method("publisher"))).isEqualTo(ReturnKind.FLUX);
		assertThat(ReturnKind.of(method("stage"))).isEqualTo(ReturnKind.COMPLETION_STAGE);
		assertThat(ReturnKind.of(method("future"))).isEqualTo(ReturnKind.COMPLETION_STAGE);
	}

	@Test
	void refusesAsynchronousTypesItCannotHandBackNamingTheMethod() {
		assertThatIllegalStateException().isThrownBy(() -> ReturnKind.of(method("plainFuture")))
			.withMessageContaining("Methods.plainFuture()")
			.withMessageContaining("java.util.concurrent.Future");
	}

	private static java.lang.reflect.Method method(String name) {
		return ReflectionUtils.findMethod(Methods.class, name);
	}

	interface Methods {

		String plain();

		void nothing();

		Mono<String> mono();

		Flux<String> flux();

		Publisher<String> publisher();

		CompletionStage<String> stage();

		CompletableFuture<String> future();

		Future<String> plainFuture();

	}

}
