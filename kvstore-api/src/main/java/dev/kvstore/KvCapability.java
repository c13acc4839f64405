package dev.kvstore;

/**
 * Optional features a store may have. A store declares only what it really does; the
 * conformance kit checks both that declared features work and that undeclared ones are absent
 * where that can be observed.
 */
public enum KvCapability {
    /**
     * {@link KvPair#version()} and {@link KvEvent#version()} carry the per-key modification count
     * (1 on create, +1 per put, 1 again after a delete). Without it they are 0.
     */
    VERSIONS,
    /**
     * Watches deliver one event for every write, with every intermediate value, in commit order.
     * Without it a watch may coalesce rapid writes to one key, delivering at least the last state.
     */
    EVERY_WRITE_EVENT,
    /**
     * Every operation's future completes within the configured timeout.
     *
     * @deprecated a contract between a store and the façade, not a user-facing feature: a client
     *     implements {@link dev.kvstore.spi.BoundedByTimeout} instead. Still honoured until every
     *     store has switched, then removed.
     */
    @Deprecated
    BOUNDED_BY_TIMEOUT,
    /**
     * Single-key conditional writes: {@link KvStoreClient#putIfAbsent}, and {@link Txn}s whose
     * conditions are {@link Txn.Absent}, {@link Txn.Present} or {@link Txn.ValueIs}. Version
     * conditions ({@link KvStoreClient#compareAndSet}, {@link KvStoreClient#compareAndDelete},
     * {@link Txn.VersionIs}) need {@link #VERSIONS} too.
     */
    CONDITIONAL_WRITES,
    /**
     * {@link KvStoreClient#commit(Txn)} of transactions over several keys: every condition is
     * checked and every operation applied as one atomic, isolated step.
     */
    TRANSACTIONS,
    /**
     * Leases ({@link KvStoreClient#grantLease}) and keys that live as long as their lease
     * ({@link KvStoreClient#put(String, byte[], KvLease)}); {@link KvPair#lease()} names a key's lease.
     */
    LEASES,
    /**
     * Locks with fencing tokens, leader elections and reservations, built by the Backend over
     * {@link #TRANSACTIONS}, {@link #LEASES} and watches.
     */
    LOCKS
}
