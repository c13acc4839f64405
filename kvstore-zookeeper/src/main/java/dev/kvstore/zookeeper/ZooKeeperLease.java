package dev.kvstore.zookeeper;

import dev.kvstore.Txn;
import dev.kvstore.spi.AbstractKvLease;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One lease: the ephemeral znodes this client put under it, in the session it was granted in.
 * Kept alive by the session (see {@link ZooKeeperLeases}); lost when the session is, or when the
 * client could not reach ZooKeeper for the lease's effective TTL.
 *
 * <p>Threads: state in {@link AbstractKvLease}; {@link #paths} is a concurrent set written after
 * each applied transaction (ZooKeeper's event thread, or the caller's in a blocking call) and read by
 * revoke and clean-up.
 */
final class ZooKeeperLease extends AbstractKvLease {

    private final ZooKeeperLeases registry;
    private final long session;
    private final long effectiveTtlNanos;
    private final long grantedSentNanos;
    private final Set<String> paths = ConcurrentHashMap.newKeySet();

    ZooKeeperLease(
            ZooKeeperLeases registry,
            long id,
            Duration ttl,
            Duration timeout,
            long session,
            Duration sessionTimeout,
            long grantedSentNanos) {
        super(ZooKeeperKvStoreProvider.STORE_TYPE, id, ttl, timeout);
        this.registry = registry;
        this.session = session;
        this.effectiveTtlNanos = Math.min(ttl.toNanos(), sessionTimeout.toNanos());
        this.grantedSentNanos = grantedSentNanos;
    }

    ZooKeeperLeases registry() {
        return registry;
    }

    /** The ZooKeeper session whose ephemeral znodes hold this lease's keys. */
    long session() {
        return session;
    }

    /** The smaller of the TTL and the session timeout: how long the lease is vouched for without contact. */
    long effectiveTtlNanos() {
        return effectiveTtlNanos;
    }

    /** When the request that granted it was sent ({@link System#nanoTime()}). */
    long grantedSentNanos() {
        return grantedSentNanos;
    }

    /** The znodes put under this lease (some may have been replaced or deleted since). */
    Set<String> paths() {
        return paths;
    }

    /** Marks the lease lost; {@code true} if it was active. */
    boolean lose() {
        return markLost();
    }

    /** Fails a transaction that would put a key under a lease that is no longer active. */
    void checkUsable(Txn txn) {
        if (!isActive()) {
            throw ZooKeeperErrors.failure("commit", txn.keys().get(0), "lease " + id() + " is no longer active");
        }
    }

    /** Fails (and loses the lease) when the client's session is no longer the lease's. */
    void checkSession(long current, Txn txn) {
        if (current != session) {
            registry.lose(this);
            throw ZooKeeperErrors.failure(
                    "commit", txn.keys().get(0), "lease " + id() + " is lost: its ZooKeeper session ended");
        }
    }

    @Override
    protected CompletableFuture<Void> doRevoke() {
        return registry.revoke(this);
    }
}
