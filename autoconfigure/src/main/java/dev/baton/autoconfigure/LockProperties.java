package dev.baton.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.baton.annotation.OnTimeout;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Distributed lock settings ({@code baton.lock.*}). */
@ConfigurationProperties("baton.lock")
public class LockProperties {

	/** Lease of a lock taken without an explicit one; the watchdog renews it every third of it while held. */
	private Duration leaseTime = Duration.ofSeconds(30);

	/** How long {@code @DistributedLock} waits for a lock when the annotation sets no waitTime. */
	private Duration waitTime = Duration.ofSeconds(1);

	/**
	 * What @DistributedLock methods whose annotation sets no onTimeout do when the wait runs out:
	 * {@code throw} the timeout exception, or {@code skip} the method (it returns nothing).
	 */
	private OnTimeout onTimeout = OnTimeout.THROW;

	/**
	 * How many times in a row a held lock may pass straight to the next waiter in the same JVM
	 * (no Redis round trip) before it goes back to Redis so that other instances get their turn.
	 * A waiter on another instance may wait this many sections of this one: lower it when
	 * sections are long.
	 */
	private int handoffBudget = 64;

	/** What releasing a lost lock does: {@code throw} a LockLostException, or {@code log} it and count it. */
	private OnLost onLost = OnLost.THROW;

	/** How long one Redis operation of the lock may take before Redis counts as unreachable. */
	private Duration storeTimeout = Duration.ofSeconds(5);

	private final Redlock redlock = new Redlock();

	public Duration getLeaseTime() {
		return this.leaseTime;
	}

	public void setLeaseTime(Duration leaseTime) {
		this.leaseTime = leaseTime;
	}

	public Duration getWaitTime() {
		return this.waitTime;
	}

	public void setWaitTime(Duration waitTime) {
		this.waitTime = waitTime;
	}

	public OnTimeout getOnTimeout() {
		return this.onTimeout;
	}

	public void setOnTimeout(OnTimeout onTimeout) {
		this.onTimeout = onTimeout;
	}

	public int getHandoffBudget() {
		return this.handoffBudget;
	}

	public void setHandoffBudget(int handoffBudget) {
		this.handoffBudget = handoffBudget;
	}

	public OnLost getOnLost() {
		return this.onLost;
	}

	public void setOnLost(OnLost onLost) {
		this.onLost = onLost;
	}

	public Duration getStoreTimeout() {
		return this.storeTimeout;
	}

	public void setStoreTimeout(Duration storeTimeout) {
		this.storeTimeout = storeTimeout;
	}

	public Redlock getRedlock() {
		return this.redlock;
	}

	/** What releasing a lock whose lease was lost does. */
	public enum OnLost {

		/** Throw {@code LockLostException}. */
		THROW,

		/** Log a warning and count it in {@code baton.lock.lost}. */
		LOG

	}

	/** Redlock across independent masters; used instead of the application's Redis when nodes are set. */
	public static class Redlock {

		/** Redis URLs of at least three independent masters, e.g. {@code redis://10.0.0.1:6379}. */
		private List<String> nodes = new ArrayList<>();

		/** How long one master may take to answer before it counts as down for that operation. */
		private Duration masterTimeout = Duration.ofMillis(200);

		public List<String> getNodes() {
			return this.nodes;
		}

		public void setNodes(List<String> nodes) {
			this.nodes = nodes;
		}

		public Duration getMasterTimeout() {
			return this.masterTimeout;
		}

		public void setMasterTimeout(Duration masterTimeout) {
			this.masterTimeout = masterTimeout;
		}

	}

}
