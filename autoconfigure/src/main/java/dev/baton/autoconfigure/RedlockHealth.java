package dev.baton.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redlock masters, each one: a PING bounded by the masters' command timeout. DOWN when fewer
 * than a quorum (N/2+1) answer, since no lock can be taken then; a master down within the quorum
 * shows in the details only.
 */
final class RedlockHealth implements BatonHealth.Component {

	private final List<LettuceConnectionFactory> masters;

	RedlockHealth(RedlockMasters masters) {
		this.masters = masters.factories();
	}

	@Override
	public String name() {
		return "redlock";
	}

	@Override
	public BatonHealth.Report check() {
		Map<String, Object> each = new LinkedHashMap<>();
		int answering = 0;
		for (LettuceConnectionFactory master : this.masters) {
			String address = master.getHostName() + ":" + master.getPort();
			try (RedisConnection connection = master.getConnection()) {
				connection.ping();
				each.put(address, "UP");
				answering++;
			}
			catch (RuntimeException ex) {
				each.put(address, "DOWN: " + ex.getMessage());
			}
		}
		int quorum = this.masters.size() / 2 + 1;
		Map<String, Object> details = BatonHealth.Report.details("quorum", quorum, "answering", answering, "masters",
				each);
		return (answering >= quorum) ? BatonHealth.Report.up(details) : BatonHealth.Report.down(details);
	}

}
