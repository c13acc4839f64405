package dev.kvstore;

import java.time.Duration;

/**
 * A lease: keys put with it ({@link KvStoreClient#put(String, byte[], KvLease)}, {@link
 * Txn.Builder#put(String, byte[], KvLease)}) live as long as it does. The library keeps it alive
 * until it is revoked; the store deletes its keys when it is revoked, or when its holder stops
 * keeping it alive (process gone, cut off from the store) for longer than its TTL.
 *
 * <p>Thread-safe. {@link #close()} is {@link #revoke()}.
 */
public interface KvLease extends AutoCloseable {

    /**
     * The store's id of this lease, as {@link KvPair#lease()} reports it for its keys.
     *
     * @return the id, never 0
     */
    long id();

    /**
     * The time to live the lease was granted with.
     *
     * @return the TTL
     */
    Duration ttl();

    /**
     * Whether the library still vouches for this lease: not revoked and not lost.
     *
     * @return {@code true} while active
     */
    boolean isActive();

    /**
     * Registers an action to run once, on a kvstore thread, when the library can no longer vouch
     * for the lease (keep-alives failing for the TTL, session expired): from then on its keys may be
     * gone. Runs at once (on a kvstore thread) if the lease is already lost; never runs after a
     * voluntary {@link #revoke()}.
     *
     * @param action what to run
     * @throws NullPointerException if {@code action} is null
     */
    void onLost(Runnable action);

    /**
     * Ends the lease: keep-alives stop and the store deletes its keys. Idempotent. Waits at most the
     * client's timeout.
     *
     * @throws KvStoreUnavailableException if the store did not confirm in time; the lease is no
     *     longer kept alive, so the store deletes its keys when the TTL runs out
     */
    void revoke();

    /** Same as {@link #revoke()}. */
    @Override
    void close();
}
