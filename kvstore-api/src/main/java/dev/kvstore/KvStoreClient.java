package dev.kvstore;

import dev.kvstore.spi.Bulk;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An asynchronous client of one key-value store. Keys given to a client are full keys: the
 * client adds nothing to them. Implementations are thread-safe and share one connection (or one
 * multiplexed channel) among all calls.
 *
 * <p>Every operation returns at once; its future completes on a thread of the client's choosing
 * (often a driver I/O thread), so dependent actions that block should be run with an
 * {@code ...Async} stage on an executor of the caller's. Failures complete the future with a
 * {@link KvStoreException}: {@link KvStoreUnavailableException} when the store cannot be reached
 * or did not answer in time. Argument errors ({@code null}, empty key) are thrown at once.
 *
 * <p>Keys are non-empty strings of valid Unicode (no unpaired surrogate) without U+0000. A key
 * a user passes to the Backend has at most {@value #MAX_KEY_BYTES} UTF-8 bytes and a Backend's
 * path prefix at most {@value #MAX_PATH_PREFIX_BYTES}, so the full keys a client is given have at
 * most {@value #MAX_FULL_KEY_BYTES} ({@code prefix + "/" + key}); every store accepts that.
 * A prefix is a raw string prefix (no globbing, no path semantics); the empty prefix means every
 * key.
 */
public interface KvStoreClient extends AutoCloseable {

    /**
     * The longest key, in UTF-8 bytes, a user passes to the Backend: it round-trips under any
     * path prefix of up to {@link #MAX_PATH_PREFIX_BYTES}.
     */
    int MAX_KEY_BYTES = 512;

    /** The longest path prefix of a Backend, in UTF-8 bytes. */
    int MAX_PATH_PREFIX_BYTES = 256;

    /**
     * The longest full key, in UTF-8 bytes, that every store's client accepts: a key of
     * {@link #MAX_KEY_BYTES} under a path prefix of {@link #MAX_PATH_PREFIX_BYTES} and the
     * {@code "/"} between them.
     */
    int MAX_FULL_KEY_BYTES = MAX_PATH_PREFIX_BYTES + 1 + MAX_KEY_BYTES;

    /**
     * Reads one key.
     *
     * @param key the full key
     * @return the pair, or empty if the key does not exist
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or otherwise not a valid key
     */
    CompletableFuture<Optional<KvPair>> get(String key);

    /**
     * Reads every key that starts with {@code prefix}, with its value.
     *
     * @param prefix a raw string prefix; empty for every key
     * @return the pairs by full key, in key order; empty if none
     * @throws NullPointerException if {@code prefix} is null
     */
    CompletableFuture<Map<String, KvPair>> list(String prefix);

    /**
     * Lists the keys that start with {@code prefix}, without their values.
     *
     * @param prefix a raw string prefix; empty for every key
     * @return the full keys in key order; empty if none
     * @throws NullPointerException if {@code prefix} is null
     */
    CompletableFuture<List<String>> listKeys(String prefix);

    /**
     * Tells whether a key exists, without reading its value.
     *
     * @param key the full key
     * @return whether it exists
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is not a valid key
     */
    CompletableFuture<Boolean> exists(String key);

    /**
     * Creates or replaces a key's value. A value over {@link #maxValueSize()} fails with
     * {@link KvValueTooLargeException} before anything is sent.
     *
     * @param key the full key
     * @param value the bytes to store; may be empty
     * @return completes when the store has accepted the write
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if {@code key} is not a valid key
     */
    CompletableFuture<Void> put(String key, byte[] value);

    /**
     * Deletes a key. Deleting a missing key is not an error.
     *
     * @param key the full key
     * @return completes when the key is gone
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is not a valid key
     */
    CompletableFuture<Void> delete(String key);

    /**
     * Deletes every key that starts with {@code prefix}.
     *
     * @param prefix a raw string prefix; empty deletes every key the client can see
     * @return completes when the keys are gone
     * @throws NullPointerException if {@code prefix} is null
     */
    CompletableFuture<Void> deleteWithPrefix(String prefix);

    // ---- bulk operations ----

    /**
     * Reads many keys. Every key is checked as {@link #get} checks it before anything is sent;
     * duplicates are read once. Empty input completes at once with an empty map, asking nothing.
     *
     * <p>Not a snapshot unless the store makes it one: each key's pair is as the store had it at
     * some moment during the call. The memory store reads all keys in one step; etcd reads each
     * batch of up to its {@link #maxTxnSize()} keys in one transaction (one revision); Redis each
     * batch of 1,000 with one atomic {@code MGET}; ZooKeeper each batch in one read-only
     * {@code multi}. The default method issues one {@link #get} per key, all at once.
     *
     * @param keys the full keys
     * @return the present keys' pairs by full key, in the order first given; absent keys are
     *     simply missing; unmodifiable
     * @throws NullPointerException if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is not valid
     */
    default CompletableFuture<Map<String, KvPair>> getAllAsync(Collection<String> keys) {
        return Bulk.getAllConcurrently(this, keys);
    }

    /**
     * Creates or replaces many keys' values, as {@link #put} each (a key under a lease is no longer
     * leased after it). Every key and value is checked before anything is sent: an invalid key or a
     * value over {@link #maxValueSize()} fails the call with nothing written. Empty input completes
     * at once, asking nothing. Each key gets one {@code PUT} event.
     *
     * <p><b>Not atomic</b> unless the store makes it so: the memory store writes all keys in one
     * step; etcd writes each batch of up to {@link #maxTxnSize()} keys (and its request-size limit)
     * in one transaction, ZooKeeper each batch in one {@code multi}, so a reader sees a batch
     * whole or not at all, but batches apply independently; Redis writes each key on its own
     * (pipelined). A failure is indeterminate: some keys may have been written; re-read them.
     *
     * @param entries full keys and their values (empty values allowed)
     * @return completes when every key is written
     * @throws NullPointerException if {@code entries}, a key or a value is null
     * @throws IllegalArgumentException if a key is not valid
     * @throws KvValueTooLargeException if a value is over {@link #maxValueSize()}
     */
    default CompletableFuture<Void> putAllAsync(Map<String, byte[]> entries) {
        return Bulk.putAllConcurrently(this, entries);
    }

    /**
     * Deletes many keys, as {@link #delete} each; missing keys are not an error. Every key is checked
     * before anything is sent. Empty input completes at once, asking nothing. The result carries no
     * count: not every store can tell cheaply which keys existed.
     *
     * <p>Not atomic unless the store makes it so, as {@link #putAllAsync} says for each store.
     *
     * @param keys the full keys; duplicates allowed
     * @return completes when every key is gone
     * @throws NullPointerException if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is not valid
     */
    default CompletableFuture<Void> deleteAllAsync(Collection<String> keys) {
        return Bulk.deleteAllConcurrently(this, keys);
    }

    /**
     * Watches a key, or every key with a prefix. The future completes once the watch is active
     * on the store: a write made after that is seen. Only changes after that point are reported.
     * The listener runs on a thread of kvstore's, never a driver I/O thread; calls for one watch
     * never overlap and come in commit order per key.
     *
     * @param key the full key, or the raw prefix when {@code withPrefix}
     * @param withPrefix {@code true} to watch every key starting with {@code key}
     * @param listener receives the events
     * @return the watch's handle, once active
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code withPrefix} is false and {@code key} is not a
     *     valid key
     */
    CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener);

    /**
     * Watches a key or prefix with options: initial state, resync after gaps, a bounded queue
     * ({@link WatchOptions}). The future completes once the watch is active on the store.
     *
     * <p>The three-argument {@link #watch(String, boolean, Consumer)} is the store's raw watch
     * (gaps reported as {@link EventType#UNKNOWN}); this form adds what the options ask for on top,
     * through {@link dev.kvstore.spi.GapFreeWatch}, the same for every store (a store that can place
     * a read exactly among its events implements {@link dev.kvstore.spi.SnapshotWatchSource}).
     * With initial state the future completes once the state was read.
     *
     * @param key the full key, or the raw prefix when {@code withPrefix}
     * @param withPrefix {@code true} to watch every key starting with {@code key}
     * @param listener receives the events
     * @param options what the watch does beyond its key
     * @return the watch's handle, once active
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code withPrefix} is false and {@code key} is not a
     *     valid key
     * @throws UnsupportedOperationException if the options ask for what this store cannot do
     *     (a revision on a store without revisions)
     */
    default CompletableFuture<KvWatch> watch(
            String key, boolean withPrefix, Consumer<KvEvent> listener, WatchOptions options) {
        return dev.kvstore.spi.GapFreeWatch.watch(this, key, withPrefix, listener, options);
    }

    // ---- conditional writes and transactions (KvCapability.CONDITIONAL_WRITES, TRANSACTIONS) ----

    /**
     * Applies a transaction atomically: if every condition holds, every operation is applied as one
     * step; otherwise nothing is written. A watch gets one event per written key.
     *
     * <p>A failure with {@link KvStoreUnavailableException} is indeterminate: the transaction may
     * have been applied. Re-read (with versions) before retrying.
     *
     * @param txn the transaction, with full keys
     * @return whether it was applied
     * @throws NullPointerException if {@code txn} is null
     * @throws IllegalArgumentException if a key is not a valid key
     * @throws UnsupportedOperationException if the store lacks {@link KvCapability#CONDITIONAL_WRITES}
     *     (or {@link KvCapability#TRANSACTIONS} for several keys, {@link KvCapability#VERSIONS} for
     *     version conditions, {@link KvCapability#LEASES} for leased puts), before anything is sent
     * @throws KvStoreException if it holds more than {@link #maxTxnSize()} conditions and
     *     operations, before anything is sent
     */
    default CompletableFuture<TxnResult> commit(Txn txn) {
        Objects.requireNonNull(txn, "txn");
        throw new UnsupportedOperationException(
                "this store does not declare " + KvCapability.CONDITIONAL_WRITES + " or " + KvCapability.TRANSACTIONS);
    }

    /**
     * What a recipe puts into the keys of one group (a lock's or election's counter and queue) so
     * that one {@link Txn} may name several of them on this store: {@code ""} where a transaction
     * may name any keys (the default, and every store but Redis Cluster); on Redis Cluster, whose
     * transactions must stay in one hash slot, a hash tag ({@code {...}}) that puts every key
     * carrying it, after the group's name, in the slot the group's name hashes to. Every client of
     * a store answers the same for the same group.
     *
     * @param group the full key the group's keys start with
     * @return the tag to add after the fixed part of each of the group's keys; {@code ""} for none
     * @throws NullPointerException if {@code group} is null
     */
    default String colocationTag(String group) {
        Objects.requireNonNull(group, "group");
        return "";
    }

    /**
     * The most conditions plus operations one {@link Txn} may hold on this store (at least 64 on
     * every store that declares {@link KvCapability#TRANSACTIONS}).
     *
     * @return the limit; 0 when the store has no transactions
     */
    default int maxTxnSize() {
        return 0;
    }

    /**
     * Creates a key only if it does not exist.
     *
     * @param key the full key
     * @param value the value
     * @return {@code true} if written; {@code false} if the key existed (nothing written)
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is not a valid key
     * @throws UnsupportedOperationException without {@link KvCapability#CONDITIONAL_WRITES}
     */
    default CompletableFuture<Boolean> putIfAbsent(String key, byte[] value) {
        Txn txn = Txn.builder().ifAbsent(key).put(key, value).build();
        requireCapability(KvCapability.CONDITIONAL_WRITES);
        return commit(txn).thenApply(TxnResult::succeeded);
    }

    /**
     * Replaces a key's value only if its version is {@code expectedVersion} (0: only if absent).
     *
     * @param key the full key
     * @param expectedVersion the version last read ({@link KvPair#version()}), or 0 for absent
     * @param value the new value
     * @return {@code true} if written; {@code false} if the version differed (nothing written)
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is not valid or {@code expectedVersion} negative
     * @throws UnsupportedOperationException without {@link KvCapability#CONDITIONAL_WRITES} and
     *     {@link KvCapability#VERSIONS}
     */
    default CompletableFuture<Boolean> compareAndSet(String key, long expectedVersion, byte[] value) {
        Txn txn = Txn.builder().ifVersion(key, expectedVersion).put(key, value).build();
        requireCapability(KvCapability.CONDITIONAL_WRITES);
        requireCapability(KvCapability.VERSIONS);
        return commit(txn).thenApply(TxnResult::succeeded);
    }

    /**
     * Deletes a key only if its version is {@code expectedVersion}.
     *
     * @param key the full key
     * @param expectedVersion the version last read; 0 succeeds only when the key is absent
     * @return {@code true} if the condition held (and the key is gone); {@code false} otherwise
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is not valid or {@code expectedVersion} negative
     * @throws UnsupportedOperationException without {@link KvCapability#CONDITIONAL_WRITES} and
     *     {@link KvCapability#VERSIONS}
     */
    default CompletableFuture<Boolean> compareAndDelete(String key, long expectedVersion) {
        Txn txn = Txn.builder().ifVersion(key, expectedVersion).delete(key).build();
        requireCapability(KvCapability.CONDITIONAL_WRITES);
        requireCapability(KvCapability.VERSIONS);
        return commit(txn).thenApply(TxnResult::succeeded);
    }

    // ---- leases (KvCapability.LEASES) ----

    /**
     * Grants a lease that the library keeps alive until it is revoked.
     *
     * @param ttl whole seconds, at least 2
     * @return the lease, once granted
     * @throws NullPointerException if {@code ttl} is null
     * @throws IllegalArgumentException if {@code ttl} is under 2 seconds or not whole seconds
     * @throws UnsupportedOperationException without {@link KvCapability#LEASES}
     */
    default CompletableFuture<KvLease> grantLease(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        throw new UnsupportedOperationException("this store does not declare " + KvCapability.LEASES);
    }

    /**
     * Creates or replaces a key that lives as long as a lease.
     *
     * @param key the full key
     * @param value the value
     * @param lease a lease granted by this client
     * @return completes when written
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is not valid or the lease is not this client's
     * @throws UnsupportedOperationException without {@link KvCapability#LEASES}
     */
    default CompletableFuture<Void> put(String key, byte[] value, KvLease lease) {
        Txn txn = Txn.builder().put(key, value, lease).build();
        requireCapability(KvCapability.LEASES);
        return commit(txn).thenApply(r -> null);
    }

    /**
     * The leases that hold at least one key under a prefix, any client's, each with all its keys
     * and its remaining TTL: what an operator lists ({@code kvctl lease ls}). Reads the whole
     * prefix, then asks for each lease found; not for hot paths. A lease that ends meanwhile is left
     * out.
     *
     * @param prefix the full key prefix; {@code ""} for every key
     * @return the leases, by id
     * @throws UnsupportedOperationException without {@link KvCapability#LEASES}, or where the
     *     store cannot describe a lease (see {@link #leaseInfo}; such a store overrides this method
     *     to throw)
     */
    default CompletableFuture<List<KvLeaseInfo>> listLeases(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        requireCapability(KvCapability.LEASES);
        return list(prefix).thenCompose(pairs -> {
            List<CompletableFuture<Optional<KvLeaseInfo>>> infos = pairs.values().stream()
                    .mapToLong(KvPair::lease)
                    .filter(id -> id != 0)
                    .distinct()
                    .sorted()
                    .mapToObj(this::leaseInfo)
                    .toList();
            return CompletableFuture.allOf(infos.toArray(CompletableFuture[]::new))
                    .thenApply(v -> infos.stream()
                            .map(CompletableFuture::join)
                            .flatMap(Optional::stream)
                            .toList());
        });
    }

    /**
     * One lease, any client's: its granted and remaining TTL and its keys.
     *
     * @param id the lease's id, as {@link KvPair#lease()} reports it
     * @return the lease, or empty if the store holds no lease with that id (never granted,
     *     expired, revoked)
     * @throws UnsupportedOperationException where the store cannot describe a lease (ZooKeeper,
     *     whose leases are client sessions: no client can read another session's timeout)
     */
    default CompletableFuture<Optional<KvLeaseInfo>> leaseInfo(long id) {
        throw new UnsupportedOperationException("this store cannot describe its leases");
    }

    private void requireCapability(KvCapability capability) {
        if (!capabilities().contains(capability)) {
            throw new UnsupportedOperationException("this store does not declare " + capability);
        }
    }

    /**
     * Asks the store whether it answers, writing nothing.
     *
     * @return {@code true} if the store answered; completes with {@code false}, not an exception,
     *     when it did not
     */
    CompletableFuture<Boolean> isConnectionUp();

    /**
     * The largest value this client will send, in bytes.
     *
     * @return the limit in bytes
     */
    long maxValueSize();

    /**
     * The optional features this store has.
     *
     * @return the declared capabilities; empty when none
     */
    Set<KvCapability> capabilities();

    /**
     * Closes the client, its watches and its connection. Idempotent. Operations after close fail
     * with {@link KvStoreException}.
     */
    @Override
    void close();
}
