package dev.baton.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.baton.json.JsonCodec;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.annotation.AnnotatedElementUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs complete {@code baton.*} from lists every property, each
 * with its description. The processors run from the compiler's processor path: on JDK 23 and
 * later a processor found only on the class path is not run, and this metadata would be empty.
 */
class ConfigurationMetadataTests {

	private static final List<Class<?>> PROPERTIES = List.of(BatonProperties.class, LockProperties.class,
			MutexProperties.class, SingleFlightProperties.class, AiProperties.class, ObservationProperties.class,
			ActuatorProperties.class);

	@Test
	void listsEveryBatonPropertyWithItsDescription() throws IOException {
		Map<?, ?> metadata = batonMetadata();
		List<?> properties = (List<?>) metadata.get("properties");
		TreeSet<String> listed = new TreeSet<>();
		for (Object property : properties) {
			Map<?, ?> entry = (Map<?, ?>) property;
			String name = (String) entry.get("name");
			if (name.startsWith("baton.")) {
				listed.add(name);
				assertThat((String) entry.get("description")).as(name).isNotBlank();
			}
		}
		TreeSet<String> declared = new TreeSet<>();
		for (Class<?> type : PROPERTIES) {
			String prefix = AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class).prefix();
			collect(prefix, type, declared);
		}
		assertThat(declared).hasSizeGreaterThan(30);
		assertThat(listed).containsExactlyElementsOf(declared);
	}

	/** Properties as Boot binds them: fields in kebab case, nested classes (final fields) as groups. */
	private static void collect(String prefix, Class<?> type, TreeSet<String> names) {
		for (Field field : type.getDeclaredFields()) {
			if (Modifier.isStatic(field.getModifiers())) {
				continue;
			}
			String name = prefix + "." + field.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
			if (Modifier.isFinal(field.getModifiers()) && field.getType().getDeclaringClass() == type) {
				collect(name, field.getType(), names);
			}
			else {
				names.add(name);
			}
		}
	}

	/** This module's own metadata file, not one of the libraries' on the class path. */
	private static Map<?, ?> batonMetadata() throws IOException {
		List<URL> files = Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		List<Map<?, ?>> ours = new ArrayList<>();
		for (URL file : files) {
			try (InputStream in = file.openStream()) {
				Map<?, ?> metadata = (Map<?, ?>) JsonCodec.standard().type(Map.class).read(new String(in.readAllBytes()));
				List<?> groups = (List<?>) metadata.get("groups");
				if (groups != null && groups.stream().anyMatch((group) -> "baton".equals(((Map<?, ?>) group).get("name")))) {
					ours.add(metadata);
				}
			}
		}
		assertThat(ours).as("metadata files with the baton group among " + files).hasSize(1);
		return ours.get(0);
	}

}
