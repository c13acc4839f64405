package dev.kvstore.redis;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvLeaseInfo;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
import dev.kvstore.Txn;
import dev.kvstore.TxnResult;
import dev.kvstore.spi.BoundedByTimeout;
import dev.kvstore.spi.Bulk;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.KeyIndexMaintenance;
import dev.kvstore.spi.Keys;
import dev.kvstore.spi.SnapshotReads;
import dev.kvstore.spi.StoreErrors;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.Transports;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis client behind storeTypes {@code redis}, {@code redis-sentinel} and
 * {@code redis-cluster}, written against lettuce's {@link RedisClusterAsyncCommands} (what the
 * standalone and the cluster commands share); what differs between one server and a cluster (the
 * connections, key enumeration, watches) is its {@link RedisTopology}. On one server: one lettuce
 * {@link RedisClient}, one shared (pipelined) connection for every command and one pub/sub
 * connection for every watch, both opened lazily and reconnected by lettuce. On a cluster a
 * transaction's keys must share one hash slot, and leases keep their bookkeeping per slot
 * ({@link ReservedKeys.Layout#CLUSTER}, {@link RedisLeases}).
 *
 * <p>The client keeps the {@link KvStoreClient} surface and hands the work on by job: how each
 * operation reaches Redis (closed, timeout, error translation, Sentinel's write hold, and on a
 * cluster the retry of a command a moving slot refused) is {@link RedisCalls}'; operations on a
 * prefix ({@code list}, {@code listKeys}, {@code deleteWithPrefix}) are {@link RedisListing}'s.
 *
 * <p>While Redis is unreachable, commands are rejected at once rather than queued
 * ({@code REJECT_COMMANDS}): nothing written while disconnected is sent later behind the caller's
 * back, and every operation fails within the timeout with
 * {@link dev.kvstore.KvStoreUnavailableException}. Every future is bounded by the timeout
 * (lettuce's command timeout, or {@code Futures.withTimeout} where several commands or a
 * connection attempt are involved: {@link RedisCalls}), hence {@link BoundedByTimeout}.
 *
 * <p>Threads: operations are called from any user thread and never block; their futures complete
 * on lettuce's I/O threads (callers must not block there). Watches are the topology's
 * ({@link RedisWatchHub}, {@link RedisClusterWatchHub}), leases {@link RedisLeases}', Sentinel
 * events {@link SentinelFollower}'s. {@link #close()} may
 * come from any thread, once.
 *
 * <p>With {@link RedisOptions#KEY_INDEX}, every write also updates the key index in its own
 * script, and {@code list}, {@code listKeys} and {@code deleteWithPrefix} read the index instead
 * of scanning ({@link RedisKeyIndex}); {@link #reindex} repairs it.
 */
final class RedisKvStoreClient implements KvStoreClient, BoundedByTimeout, KeyIndexMaintenance, SnapshotReads {

    private static final Logger LOG = LoggerFactory.getLogger(RedisKvStoreClient.class);

    /** Keys per {@code SCAN} step (a hint to Redis) and per {@code MGET}/{@code UNLINK} batch. */
    static final int BATCH = 1000;

    private static final byte[] EMPTY = new byte[0];

    /** The {@code txn.lua} arguments before the kind for one operation: no condition, one operation. */
    private static final byte[][] ONE_OPERATION_HEAD = {ascii("0"), ascii("1")};

    /** What an old lease id completes into on one server: its lease hash (see {@code put.lua}). */
    private static final byte[] SERVER_LEASE_PREFIX = ascii(ReservedKeys.Layout.SERVER.leaseHashPrefix(""));

    /** The {@code txn.lua} kind of a delete. */
    private static final byte[] DELETE_KIND = ascii("d");

    private static final Set<KvCapability> CAPABILITIES =
            Set.of(KvCapability.CONDITIONAL_WRITES, KvCapability.TRANSACTIONS, KvCapability.LEASES, KvCapability.LOCKS);

    /**
     * On a cluster: leases (bookkept per slot) and locks, but no transactions over any keys, only
     * over keys of one hash slot (see {@link #txnCapabilities}).
     */
    private static final Set<KvCapability> CLUSTER_CAPABILITIES =
            Set.of(KvCapability.CONDITIONAL_WRITES, KvCapability.LEASES, KvCapability.LOCKS);

    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisSettings settings;
    private final String storeType;
    private final String where;
    private final Duration timeout;
    private final RedisTopology topology;
    private final Set<KvCapability> capabilities;
    private final ReservedKeys.Layout layout;
    private final RedisCalls calls;
    private final RedisListing listing;
    private final RedisLeases leases;
    /** {@link ReservedKeys#INDEX} with {@link RedisOptions#KEY_INDEX}, else {@code null}. */
    private final String index;

    private final AtomicBoolean closing = new AtomicBoolean();

    RedisKvStoreClient(RedisSettings settings) {
        this.settings = settings;
        this.storeType = settings.storeType();
        this.where = settings.describe();
        this.timeout = settings.timeout();
        this.topology = settings.cluster() ? new ClusterTopology(settings) : new ServerTopology(settings);
        this.capabilities = settings.cluster() ? CLUSTER_CAPABILITIES : CAPABILITIES;
        this.layout = settings.cluster() ? ReservedKeys.Layout.CLUSTER : ReservedKeys.Layout.SERVER;
        this.index = settings.keyIndex() ? ReservedKeys.INDEX : null;
        this.calls = new RedisCalls(settings, topology);
        this.listing = new RedisListing(calls, topology, layout, index);
        this.leases = new RedisLeases(calls, index, settings.storeType(), timeout, layout);
        // Start connecting now, without waiting: a failure here is retried by the first operation.
        topology.open().whenComplete((c, e) -> {
            if (e != null) {
                LOG.debug("{}: first connection attempt failed; retried on first use", where, e);
            }
        });
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static ClientOptions clientOptions(RedisSettings settings) {
        Duration timeout = settings.timeout();
        ClientOptions.Builder b = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(timeout)
                        .keepAlive(true)
                        .build());
        if (settings.tls()) {
            b.sslOptions(settings.sslOptions());
        }
        return b.build();
    }

    @Override
    public CompletableFuture<Optional<KvPair>> get(String key) {
        Keys.checkKey(key);
        // The key and the id of its lease (if any) in one atomic read.
        return calls.command(
                "get",
                key,
                c -> c.mget(key, layout.leaseOf(key)).thenApply(kvs -> {
                    KeyValue<String, byte[]> kv = kvs.get(0);
                    return kv.hasValue()
                            ? Optional.of(RedisListing.pair(key, kv.getValue(), kvs.get(1)))
                            : Optional.<KvPair>empty();
                }));
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        Keys.checkKey(key);
        return calls.command("exists", key, c -> c.exists(key).thenApply(n -> n != null && n > 0));
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value) {
        Keys.checkKey(key);
        Keys.checkValue(key, value, settings.maxValueBytes());
        byte[] copy = value.clone();
        // A script rather than SET: the key may have been under a lease, whose bookkeeping goes with the write.
        String[] keys = putKeys(key);
        byte[] cleanup = leaseHashPrefix(key);
        return calls.write(
                "put", key, c -> RedisScripts.PUT.run(c, keys, copy, cleanup).thenApply(n -> null));
    }

    /** {@code put.lua}'s KEYS for {@code key}: the key, its lease-id key, and the key index if kept. */
    private String[] putKeys(String key) {
        return index == null
                ? new String[] {key, layout.leaseOf(key)}
                : new String[] {key, ReservedKeys.leaseOf(key), index};
    }

    /** What an old lease id of {@code key} completes into: the hash the key is removed from. */
    private byte[] leaseHashPrefix(String key) {
        return layout == ReservedKeys.Layout.SERVER ? SERVER_LEASE_PREFIX : ascii(layout.leaseHashPrefix(key));
    }

    /**
     * On a cluster: deletes a key with its lease bookkeeping in one script call (the key, its
     * lease-id key, and its field in its lease's shard, which a keep-alive there cannot tell from
     * a key in flight during a reshard).
     */
    static CompletableFuture<Long> deleteScript(
            RedisClusterAsyncCommands<String, byte[]> c, String key, ReservedKeys.Layout layout) {
        return RedisScripts.TXN.run(
                c,
                new String[] {key, layout.leaseOf(key)},
                ONE_OPERATION_HEAD[0],
                ONE_OPERATION_HEAD[1],
                DELETE_KIND,
                EMPTY,
                EMPTY,
                EMPTY,
                ascii(layout.leaseHashPrefix(key)));
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        Keys.checkKey(key);
        if (layout == ReservedKeys.Layout.CLUSTER) {
            return calls.write("delete", key, c -> deleteScript(c, key, layout).thenApply(n -> null));
        }
        if (index != null) {
            // One txn.lua delete: the key, its lease key and its index member in one step.
            return calls.write(
                    "delete",
                    key,
                    c -> RedisScripts.TXN
                            .run(c, RedisKeyIndex.writeKeys(List.of(key)), RedisKeyIndex.deleteArgs(1))
                            .thenApply(n -> null));
        }
        return calls.write(
                "delete", key, c -> c.del(key, ReservedKeys.leaseOf(key)).thenApply(n -> null));
    }

    @Override
    public CompletableFuture<Map<String, KvPair>> getAllAsync(Collection<String> keys) {
        RedisBulk bulk = topology.bulk();
        if (bulk == null) {
            return KvStoreClient.super.getAllAsync(keys);
        }
        List<String> checked = Bulk.checkKeys(keys);
        return checked.isEmpty() ? CompletableFuture.completedFuture(Map.of()) : bulk.getAll(checked);
    }

    @Override
    public CompletableFuture<Void> putAllAsync(Map<String, byte[]> entries) {
        RedisBulk bulk = topology.bulk();
        if (bulk == null) {
            return KvStoreClient.super.putAllAsync(entries);
        }
        Map<String, byte[]> checked = Bulk.checkEntries(entries, settings.maxValueBytes());
        return checked.isEmpty() ? CompletableFuture.completedFuture(null) : bulk.putAll(checked);
    }

    @Override
    public CompletableFuture<Void> deleteAllAsync(Collection<String> keys) {
        RedisBulk bulk = topology.bulk();
        if (bulk == null) {
            return KvStoreClient.super.deleteAllAsync(keys);
        }
        List<String> checked = Bulk.checkKeys(keys);
        return checked.isEmpty() ? CompletableFuture.completedFuture(null) : bulk.deleteAll(checked);
    }

    @Override
    public CompletableFuture<List<String>> listKeys(String prefix) {
        return listing.listKeys(prefix);
    }

    @Override
    public CompletableFuture<Map<String, KvPair>> list(String prefix) {
        return listing.list(prefix);
    }

    /** Without {@link RedisOptions#KEY_INDEX}, one server: an {@code MGET} of the keys alone, half the keys read. */
    @Override
    public CompletableFuture<Map<String, KvPair>> listWithoutLeases(String prefix) {
        return listing.listWithoutLeases(prefix);
    }

    @Override
    public CompletableFuture<Void> deleteWithPrefix(String prefix) {
        return listing.deleteWithPrefix(prefix);
    }

    @Override
    public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        if (withPrefix) {
            Keys.checkPrefix(key);
        } else {
            Keys.checkKey(key);
        }
        String op = withPrefix ? "watch (prefix)" : "watch";
        if (calls.isClosed()) {
            return CompletableFuture.failedFuture(RedisErrors.closed(storeType, where, op, key));
        }
        return calls.translated(
                Futures.withTimeout(
                        topology.watch(key, withPrefix, listener),
                        timeout,
                        () -> RedisErrors.timedOut(storeType, where, op, key)),
                op,
                key);
    }

    @Override
    public CompletableFuture<Boolean> isConnectionUp() {
        if (calls.isClosed()) {
            return CompletableFuture.completedFuture(false);
        }
        return Futures.withTimeout(
                        topology.ping(), timeout, () -> RedisErrors.timedOut(storeType, where, "isConnectionUp", null))
                .handle((up, e) -> {
                    if (e != null) {
                        LOG.debug("{}: PING failed", where, e);
                        return false;
                    }
                    return up;
                });
    }

    @Override
    public long maxValueSize() {
        return settings.maxValueBytes();
    }

    @Override
    public CompletableFuture<TxnResult> commit(Txn txn) {
        Keys.checkTxn(
                settings.storeType(), txn, settings.maxValueBytes(), RedisTransactions.MAX_SIZE, txnCapabilities(txn));
        byte[][] lean = RedisTransactions.leanPut(txn);
        if (lean != null) {
            // One plain put, at most one condition on its key: put.lua, the lean form of txn.lua.
            String key = txn.operations().get(0).key();
            String[] keys = putKeys(key);
            lean[1] = leaseHashPrefix(key);
            return calls.write("commit", key, c -> RedisScripts.PUT.run(c, keys, lean))
                    .thenApply(r -> TxnResult.of(r == 1));
        }
        String key = txn.keys().get(0);
        RedisTransactions.Call call = RedisTransactions.encode(txn, leases::own, layout, index);
        List<CompletableFuture<Void>> shards = new ArrayList<>();
        for (RedisLease lease : call.leases()) {
            if (lease != null && !lease.isActive()) {
                return CompletableFuture.failedFuture(new KvStoreException(StoreErrors.message(
                        storeType,
                        "commit",
                        key,
                        "lease " + lease.id() + " is no longer active (revoked or lost); nothing was written")));
            }
            if (lease != null && layout == ReservedKeys.Layout.CLUSTER) {
                shards.add(leases.ensureShard(lease, SlotTags.slot(key)));
            }
        }
        // On a cluster, a lease's first put in a slot creates its shard there first: both within the timeout.
        CompletableFuture<Long> applied = shards.isEmpty()
                ? calls.write("commit", key, c -> RedisScripts.TXN.run(c, call.keys(), call.args()))
                : Futures.withTimeout(
                        CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new))
                                .thenCompose(v -> calls.write(
                                        "commit", key, c -> RedisScripts.TXN.run(c, call.keys(), call.args()))),
                        timeout,
                        () -> RedisErrors.timedOut(storeType, where, "commit", key));
        return applied.thenApply(r -> {
            if (r < 0) {
                RedisLease lease = call.leases().get((int) (-r - 1));
                leases.goneOnServer(lease);
                throw new KvStoreException(StoreErrors.message(
                        storeType,
                        "commit",
                        key,
                        "lease " + lease.id() + " has expired or was revoked on " + where + "; nothing was written"));
            }
            return TxnResult.of(r == 1);
        });
    }

    /**
     * The capabilities a transaction is checked against: on a cluster, one whose keys all hash to
     * one slot may name several keys (one script runs it on that slot's master), though the store
     * does not declare {@link KvCapability#TRANSACTIONS} (transactions over any keys).
     *
     * @throws UnsupportedOperationException for a cluster transaction over several slots, naming the rule
     */
    private Set<KvCapability> txnCapabilities(Txn txn) {
        if (!settings.cluster()) {
            return capabilities;
        }
        List<String> keys = txn.keys();
        int slot = SlotTags.slot(keys.get(0));
        for (String k : keys) {
            if (SlotTags.slot(k) != slot) {
                throw new UnsupportedOperationException(storeType + " does not declare " + KvCapability.TRANSACTIONS
                        + ": on Redis Cluster a transaction's keys must all hash to one slot, but \"" + keys.get(0)
                        + "\" and \"" + k + "\" do not. Give them one hash tag (the part in braces, as in"
                        + " \"{user42}/name\" and \"{user42}/mail\"); nothing was sent");
            }
        }
        Set<KvCapability> withTxn = EnumSet.copyOf(capabilities);
        withTxn.add(KvCapability.TRANSACTIONS);
        return withTxn;
    }

    @Override
    public int maxTxnSize() {
        return RedisTransactions.MAX_SIZE;
    }

    @Override
    public CompletableFuture<KvLease> grantLease(Duration ttl) {
        if (!capabilities.contains(KvCapability.LEASES)) {
            Objects.requireNonNull(ttl, "ttl");
            throw new UnsupportedOperationException(storeType + " does not declare " + KvCapability.LEASES
                    + ": a lease's keys spread over hash slots, and its scripts may touch one slot only");
        }
        return leases.grant(ttl);
    }

    @Override
    public CompletableFuture<Optional<KvLeaseInfo>> leaseInfo(long id) {
        if (!capabilities.contains(KvCapability.LEASES)) {
            throw new UnsupportedOperationException(storeType + " does not declare " + KvCapability.LEASES);
        }
        if (layout == ReservedKeys.Layout.CLUSTER) {
            return calls.multiStep("leaseInfo " + id, null, c -> RedisLeaseInfo.readSharded(c, id));
        }
        return calls.multiStep("leaseInfo " + id, null, c -> RedisLeaseInfo.read(c, id));
    }

    /**
     * On a cluster: a hash tag naming the slot {@code group} hashes to, so that the recipes'
     * keys of one lock or election share one slot (their joining transaction names two of them);
     * none when {@code group} has a complete hash tag of its own already, which decides the slot
     * of every key that starts with it. A group whose first brace is not closed by a later one
     * (or opens an empty {@code {}}) cannot be given a slot this way: its transaction then fails
     * with the one-slot rule's {@link UnsupportedOperationException}.
     */
    @Override
    public String colocationTag(String group) {
        Objects.requireNonNull(group, "group");
        if (layout != ReservedKeys.Layout.CLUSTER) {
            return "";
        }
        int open = group.indexOf('{');
        if (open >= 0) {
            return ""; // its own tag decides, or it cannot be given one
        }
        return "{" + SlotTags.forKey(group) + "}";
    }

    @Override
    public Set<KvCapability> capabilities() {
        return capabilities;
    }

    @Override
    public boolean keyIndexed() {
        return index != null;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: prunes the index members under the prefix whose keys are gone, then {@code SCAN}s
     * the database for keys under it (leaving out the store's own) and adds those not indexed.
     * Each command is bounded by the timeout (lettuce's command timeout), the whole is not. Held
     * while Sentinel fails the master over, as every write.
     */
    @Override
    public CompletableFuture<KeyIndexMaintenance.Counts> reindex(String prefix) {
        Keys.checkPrefix(prefix);
        if (index == null) {
            throw new UnsupportedOperationException(storeType + " at " + settings.address() + " keeps no key index:"
                    + " set option " + RedisOptions.KEY_INDEX + "=true on every client of the database first");
        }
        if (calls.failoverInProgress()) {
            return calls.writeHeld("reindex", prefix);
        }
        if (calls.isClosed()) {
            return CompletableFuture.failedFuture(RedisErrors.closed(storeType, where, "reindex", prefix));
        }
        CompletableFuture<RedisClusterAsyncCommands<String, byte[]>> open = Futures.withTimeout(
                topology.open(), timeout, () -> RedisErrors.timedOut(storeType, where, "reindex", prefix));
        return calls.translated(open.thenCompose(c -> RedisKeyIndex.reindex(c, topology, prefix)), "reindex", prefix);
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        leases.close(); // revokes this client's leases while the connection is still open
        calls.markClosed();
        topology.close();
    }

    @Override
    public String toString() {
        return "RedisKvStoreClient[" + settings + "]";
    }

    /**
     * One set of lettuce threads for every client in the JVM (lettuce's advice), daemon threads,
     * with a reconnect delay capped at 1 s so a watch resumes soon after Redis is back. The I/O
     * event loop group is allocated once here and never released: lettuce otherwise shuts it down
     * whenever the last open client closes and starts a new one for the next, which costs threads
     * and leaves lettuce's pending handshake timers firing on a terminated loop.
     */
    static final class SharedResources {
        private static volatile ClientResources resources;

        private SharedResources() {}

        static ClientResources get() {
            ClientResources r = resources;
            if (r == null) {
                synchronized (SharedResources.class) {
                    r = resources;
                    if (r == null) {
                        r = DefaultClientResources.builder()
                                .reconnectDelay(Delay.exponential(
                                        Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                                .build();
                        r.eventLoopGroupProvider().allocate(Transports.eventLoopGroupClass());
                        resources = r;
                    }
                }
            }
            return r;
        }
    }
}
