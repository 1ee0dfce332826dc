package dev.baton.benchmarks;

import java.util.Map;

import dev.baton.redis.LuaScript;

import org.springframework.data.redis.core.script.DigestUtils;

/** Names for the scripts the benchmarks meet: Baton's lock scripts by their SHA-1, others by their key count. */
final class KnownScripts {

	private static final String LOCK = "dev/baton/lock/";

	private static final String FORMAT = "dev/baton/redis/format.lua";

	private static final Map<String, String> BATON = Map.of(
			sha(FORMAT, LOCK + "queue.lua", LOCK + "fence.lua", LOCK + "acquire.lua"), "Baton acquire.lua",
			sha(FORMAT, LOCK + "queue.lua", LOCK + "release.lua"), "Baton release.lua",
			sha(LOCK + "release-own.lua"), "Baton release-own.lua", sha(LOCK + "fence.lua", LOCK + "token.lua"),
			"Baton token.lua", sha(LOCK + "renew.lua"), "Baton renew.lua", sha(LOCK + "cancel.lua"),
			"Baton cancel.lua");

	private KnownScripts() {
	}

	static String name(RedisCommandStats.Script script) {
		String known = BATON.get(script.sha());
		return (known != null) ? known
				: "script " + script.sha().substring(0, Math.min(8, script.sha().length())) + " (" + script.keys()
						+ ((script.keys() == 1) ? " key)" : " keys)");
	}

	/** The SHA-1 of the script Baton runs from these files, put together as Baton does: each library, a new line, the script. */
	private static String sha(String... paths) {
		StringBuilder source = new StringBuilder();
		for (int i = 0; i < paths.length - 1; i++) {
			source.append(LuaScript.read(paths[i])).append('\n');
		}
		return DigestUtils.sha1DigestAsHex(source.append(LuaScript.read(paths[paths.length - 1])).toString());
	}

}
