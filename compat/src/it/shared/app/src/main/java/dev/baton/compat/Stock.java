package dev.baton.compat;

import java.util.OptionalLong;

import dev.baton.annotation.DistributedLock;
import dev.baton.lock.LockContext;

import org.springframework.stereotype.Service;

/** Writes stock under a Redis lock per SKU, fenced by the lock's token. */
@Service
public class Stock {

	/**
	 * @return the fencing token the lock gave this call
	 */
	@DistributedLock(key = "'sku:' + #sku", waitTime = "5s")
	public OptionalLong reserve(String sku) {
		return LockContext.fencingToken();
	}

}
