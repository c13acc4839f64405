package dev.kvstore;

import java.time.Duration;
import java.util.Optional;

/**
 * A named lock shared by every process and client of a store ({@code Backend.lock(name)}). Waiters
 * wake on the store's notification, not by polling; etcd and ZooKeeper grant in arrival order.
 * A holder that dies or is cut off from the store loses the lock within its TTL.
 *
 * <p>Thread-safe: several threads may try to acquire through one {@code KvLock}; each success is a
 * separate acquisition with its own fencing token.
 */
public interface KvLock {

    /**
     * The lock's name, as given.
     *
     * @return the name
     */
    String name();

    /**
     * Tries to acquire the lock, waiting at most {@code maxWait}.
     *
     * @param maxWait how long to wait; zero to try once
     * @return the handle when acquired in time; empty otherwise (nothing is left queued)
     * @throws NullPointerException if {@code maxWait} is null
     * @throws IllegalArgumentException if {@code maxWait} is negative
     * @throws KvStoreUnavailableException if the store cannot be reached
     * @throws KvStoreException if the wait was interrupted (the interrupt flag is restored)
     */
    Optional<KvLockHandle> tryAcquire(Duration maxWait);
}
