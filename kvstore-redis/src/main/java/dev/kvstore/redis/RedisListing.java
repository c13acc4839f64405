package dev.kvstore.redis;

import dev.kvstore.KvPair;
import dev.kvstore.spi.Keys;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's operations on every key under a prefix: {@code listKeys}, {@code list} and
 * {@code deleteWithPrefix}. With {@link RedisOptions#KEY_INDEX} they read the key index
 * ({@link RedisKeyIndex}); otherwise they walk the keys with {@code SCAN} ({@link #scan}, on every
 * master of a cluster: {@link RedisTopology#scan}) and read the values with their lease ids in
 * pipelined batches. Also the reading of a key with its lease id that {@code get} shares
 * ({@link #pair}).
 *
 * <p>Threads: called from any thread, never blocks; futures complete on lettuce's I/O threads.
 * Holds no state of its own beyond what it is given.
 */
final class RedisListing {

    private static final Logger LOG = LoggerFactory.getLogger(RedisListing.class);

    private final RedisCalls calls;
    private final RedisTopology topology;
    private final ReservedKeys.Layout layout;
    /** {@link ReservedKeys#INDEX} with {@link RedisOptions#KEY_INDEX}, else {@code null}. */
    private final String index;

    RedisListing(RedisCalls calls, RedisTopology topology, ReservedKeys.Layout layout, String index) {
        this.calls = calls;
        this.topology = topology;
        this.layout = layout;
        this.index = index;
    }

    /** {@code listKeys}: the keys under {@code prefix}, sorted. */
    CompletableFuture<List<String>> listKeys(String prefix) {
        Keys.checkPrefix(prefix);
        if (index != null) {
            return calls.multiStep("listKeys", prefix, c -> RedisKeyIndex.listKeys(c, prefix));
        }
        return calls.multiStep("listKeys", prefix, c -> scannedKeys(c, prefix).thenApply(List::copyOf));
    }

    /** {@code list}: the pairs under {@code prefix}, sorted by key. */
    CompletableFuture<Map<String, KvPair>> list(String prefix) {
        Keys.checkPrefix(prefix);
        if (index != null) {
            return calls.multiStep("list", prefix, c -> RedisKeyIndex.list(c, prefix));
        }
        return calls.multiStep("list", prefix, c -> scannedKeys(c, prefix).thenCompose(keys -> mget(c, keys)));
    }

    /**
     * {@code list} without the lease ids (each pair's lease 0), for a watch's snapshots: on one
     * server without the key index, batches of an {@code MGET} of the keys alone, where {@code list}
     * reads each key's lease-id key too; otherwise as {@code list}.
     */
    CompletableFuture<Map<String, KvPair>> listWithoutLeases(String prefix) {
        Keys.checkPrefix(prefix);
        if (index != null || layout == ReservedKeys.Layout.CLUSTER) {
            return list(prefix);
        }
        return calls.multiStep(
                "list", prefix, c -> scannedKeys(c, prefix).thenCompose(keys -> mgetInKeyOrder(c, keys, false)));
    }

    /** The keys under {@code prefix} found by the topology's {@code SCAN}, sorted, each once. */
    private CompletableFuture<List<String>> scannedKeys(RedisClusterAsyncCommands<String, byte[]> c, String prefix) {
        List<String> keys = Collections.synchronizedList(new ArrayList<>());
        return topology.scan(c, prefix, page -> {
                    keys.addAll(page);
                    return CompletableFuture.completedFuture(null);
                })
                .thenApply(v -> sortedDistinct(keys));
    }

    /**
     * The keys found by a scan in key order, each once ({@code SCAN} may return a key twice): one
     * array sort, where a {@code TreeSet} of the keys and then a {@code TreeMap} of the pairs sorted
     * them twice, one tree insertion at a time (together 14 % of the I/O thread's CPU samples of a
     * 1,000-key {@code list}).
     */
    static List<String> sortedDistinct(List<String> keys) {
        String[] sorted = keys.toArray(String[]::new);
        Arrays.sort(sorted);
        int n = 0;
        for (String k : sorted) {
            if (n == 0 || !k.equals(sorted[n - 1])) {
                sorted[n++] = k;
            }
        }
        return Arrays.asList(sorted).subList(0, n);
    }

    /**
     * Reads keys given in key order, each once, with their lease ids in pipelined batches (each
     * batch one atomic {@code MGET} of the keys and their lease keys); keys gone since the scan are
     * left out. The map keeps the keys' order without sorting them again.
     */
    private CompletableFuture<Map<String, KvPair>> mget(
            RedisClusterAsyncCommands<String, byte[]> c, List<String> keys) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        if (layout == ReservedKeys.Layout.CLUSTER) {
            return getEach(c, keys);
        }
        return mgetInKeyOrder(c, keys, true);
    }

    /**
     * Reads keys with their lease ids where the store keeps lease bookkeeping: batches of one
     * atomic {@code MGET} of the keys and their lease keys, pipelined; absent keys are left out.
     */
    static CompletableFuture<Map<String, KvPair>> mgetWithLeases(
            RedisClusterAsyncCommands<String, byte[]> c, List<String> keys) {
        return mgetBatches(c, keys, true, new TreeMap<>());
    }

    /**
     * Reads keys given in key order, each once, in pipelined batches of one atomic {@code MGET}
     * (of the keys and their lease keys when {@code withLeases}, else of the keys alone, each pair's
     * lease then 0); absent keys are left out. The map keeps the keys' order without sorting them.
     */
    private static CompletableFuture<Map<String, KvPair>> mgetInKeyOrder(
            RedisClusterAsyncCommands<String, byte[]> c, List<String> keys, boolean withLeases) {
        return mgetBatches(c, keys, withLeases, new LinkedHashMap<>(keys.size() * 4 / 3 + 1));
    }

    /**
     * Reads keys in pipelined batches of one atomic {@code MGET} each, of the keys and their lease
     * keys when {@code withLeases}, else of the keys alone (each pair's lease then 0); puts the
     * present ones into {@code result}, in the order given, and returns it unmodifiable.
     */
    private static CompletableFuture<Map<String, KvPair>> mgetBatches(
            RedisClusterAsyncCommands<String, byte[]> c,
            List<String> keys,
            boolean withLeases,
            Map<String, KvPair> result) {
        int width = withLeases ? 2 : 1;
        List<CompletableFuture<List<KeyValue<String, byte[]>>>> batches = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += RedisKvStoreClient.BATCH) {
            List<String> batch = keys.subList(i, Math.min(keys.size(), i + RedisKvStoreClient.BATCH));
            String[] args = new String[batch.size() * width];
            for (int j = 0; j < batch.size(); j++) {
                args[j] = batch.get(j);
                if (withLeases) {
                    args[batch.size() + j] = ReservedKeys.leaseOf(batch.get(j));
                }
            }
            batches.add(c.mget(args).toCompletableFuture());
        }
        return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    for (CompletableFuture<List<KeyValue<String, byte[]>>> b : batches) {
                        List<KeyValue<String, byte[]>> kvs = b.join();
                        int n = kvs.size() / width;
                        for (int j = 0; j < n; j++) {
                            KeyValue<String, byte[]> kv = kvs.get(j);
                            if (kv.hasValue()) {
                                result.put(
                                        kv.getKey(),
                                        withLeases
                                                ? pair(kv.getKey(), kv.getValue(), kvs.get(n + j))
                                                : new KvPair(kv.getKey(), kv.getValue(), 0L, 0L));
                            }
                        }
                    }
                    return Collections.unmodifiableMap(result);
                });
    }

    /**
     * On a cluster: reads keys with their lease ids, one atomic {@code MGET} of a key and its
     * lease-id key (same slot) each, all pipelined, each retried on its own while its slot moves
     * (one {@code MGET} over many slots would be split per slot by lettuce anyway, and a single
     * moving slot would fail the whole batch); keys gone since the scan are left out.
     */
    private CompletableFuture<Map<String, KvPair>> getEach(
            RedisClusterAsyncCommands<String, byte[]> c, List<String> keys) {
        List<CompletableFuture<List<KeyValue<String, byte[]>>>> values = new ArrayList<>(keys.size());
        for (String k : keys) {
            String side = layout.leaseOf(k);
            values.add(calls.retried(() -> c.mget(k, side)));
        }
        return CompletableFuture.allOf(values.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, KvPair> result = new LinkedHashMap<>(keys.size() * 4 / 3 + 1); // keys in key order
            for (int i = 0; i < keys.size(); i++) {
                List<KeyValue<String, byte[]>> kvs = values.get(i).join();
                if (kvs.get(0).hasValue()) {
                    result.put(keys.get(i), pair(keys.get(i), kvs.get(0).getValue(), kvs.get(1)));
                }
            }
            return Collections.unmodifiableMap(result);
        });
    }

    /** A pair read with its lease key: the lease id it names, 0 when none (or unreadable). */
    static KvPair pair(String key, byte[] value, KeyValue<String, byte[]> leaseKey) {
        long lease = 0;
        if (leaseKey.hasValue()) {
            try {
                lease = Long.parseLong(new String(leaseKey.getValue(), StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                LOG.debug("\"{}\": its lease key holds no lease id; reported without a lease", key);
            }
        }
        return new KvPair(key, value, 0L, lease);
    }

    /** {@code deleteWithPrefix}: deletes every key under {@code prefix}; held while Sentinel fails the master over. */
    CompletableFuture<Void> deleteWithPrefix(String prefix) {
        Keys.checkPrefix(prefix);
        if (calls.failoverInProgress()) {
            return calls.writeHeld("deleteWithPrefix", prefix);
        }
        if (index != null) {
            return calls.multiStep("deleteWithPrefix", prefix, c -> RedisKeyIndex.deleteWithPrefix(c, prefix));
        }
        return calls.multiStep(
                "deleteWithPrefix",
                prefix,
                c -> topology.scan(c, prefix, page -> {
                    if (layout == ReservedKeys.Layout.CLUSTER) {
                        // One script per key (its slot's bookkeeping with it), each retried on its own while its slot
                        // moves.
                        List<CompletableFuture<Long>> deletes = new ArrayList<>(page.size());
                        for (String k : page) {
                            deletes.add(calls.retried(() -> RedisKvStoreClient.deleteScript(c, k, layout)));
                        }
                        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
                    }
                    String[] keys = new String[page.size() * 2];
                    for (int i = 0; i < page.size(); i++) {
                        keys[2 * i] = page.get(i);
                        keys[2 * i + 1] = ReservedKeys.leaseOf(page.get(i));
                    }
                    return c.unlink(keys).toCompletableFuture();
                }));
    }

    /**
     * Walks {@code SCAN MATCH <escaped prefix>*} to the end, one step at a time, handing each
     * step's keys (checked to really start with the prefix) to {@code page}, and waiting for it
     * before the next step, so at most one batch is in hand.
     */
    static CompletableFuture<Void> scan(
            RedisClusterAsyncCommands<String, byte[]> c,
            String prefix,
            ScanCursor cursor,
            Function<List<String>, CompletionStage<?>> page) {
        ScanArgs args = ScanArgs.Builder.matches(Globs.prefixPattern(prefix)).limit(RedisKvStoreClient.BATCH);
        return c.scan(cursor, args).toCompletableFuture().thenCompose((KeyScanCursor<String> step) -> {
            List<String> keys = new ArrayList<>(step.getKeys().size());
            for (String k : step.getKeys()) {
                if (k.startsWith(prefix) && !ReservedKeys.isReserved(k)) {
                    keys.add(k);
                }
            }
            CompletionStage<?> done = keys.isEmpty() ? CompletableFuture.completedFuture(null) : page.apply(keys);
            if (step.isFinished()) {
                return done.thenApply(x -> (Void) null);
            }
            return done.thenCompose(x -> scan(c, prefix, step, page));
        });
    }
}
