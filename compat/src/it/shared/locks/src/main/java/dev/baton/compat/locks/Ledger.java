package dev.baton.compat.locks;

import java.util.OptionalLong;

import dev.baton.annotation.DistributedLock;
import dev.baton.lock.LockContext;

import org.springframework.stereotype.Service;

/** Posts to an account under a Redis lock per account. */
@Service
public class Ledger {

	/**
	 * @return the fencing token the lock gave this call
	 */
	@DistributedLock(key = "'account:' + #account", waitTime = "5s")
	public OptionalLong post(String account) {
		return LockContext.fencingToken();
	}

}
