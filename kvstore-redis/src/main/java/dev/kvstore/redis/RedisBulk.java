package dev.kvstore.redis;

import dev.kvstore.KvPair;
import dev.kvstore.spi.Futures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The bulk operations on a connection of their own, with lettuce's auto-flush off: the commands of
 * a call are written to the socket in batches of {@value #FLUSH_EVERY} with one flush each, which
 * costs a fraction of the CPU of one write per command (DRIVER-NOTES: 3-4 times the throughput).
 *
 * <ul>
 *   <li>{@code getAll}: {@code MGET} of up to {@value RedisKvStoreClient#BATCH} keys and their lease
 *       keys per command ({@link RedisListing#mgetWithLeases}): each batch one atomic read.
 *   <li>{@code putAll}: for each key the very script a single put runs ({@code txn.lua} with one
 *       plain put), so a bulk put is exactly a put per key (a leased key stops being leased, its
 *       lease bookkeeping goes with it); preceded in the same pipeline by {@code SCRIPT LOAD}, so
 *       {@code EVALSHA} never meets {@code NOSCRIPT}. Not atomic: each key is its own step.
 *   <li>{@code deleteAll}: for each key the single delete's {@code DEL key <its lease key>}.
 * </ul>
 *
 * <p>With the key index ({@link RedisOptions#KEY_INDEX}) every key's write also updates the index
 * in the same step. Puts and deletes then go in {@code txn.lua} calls of up to
 * {@value #WRITES_PER_CALL} puts (and {@value #GROUP_VALUE_BYTES} bytes of values) or
 * {@value #DELETES_PER_CALL} deletes, each call one atomic step for its keys, their lease
 * bookkeeping and their index members: a script call per key, with the index's {@code ZADD} or
 * {@code ZREM}, left a bulk call under five times a loop of single calls.
 *
 * <p>Threads: called from any user thread; several calls may share the connection at once (each
 * flushes what it wrote; a flush also sends another call's commands, which is harmless). Futures
 * complete on lettuce's I/O threads, bounded by the timeout as a whole. While Sentinel fails the
 * master over, writes are refused as the single-key writes are.
 */
final class RedisBulk implements AutoCloseable {

    /** Commands written before each flush. */
    static final int FLUSH_EVERY = 128;

    /**
     * With the key index: deletes per {@code txn.lua} call of {@code deleteAll}; small enough that a
     * call holds Redis's single thread for well under a millisecond.
     */
    static final int DELETES_PER_CALL = 100;

    /** With the key index: plain puts per {@code txn.lua} call of {@code putAll}, at most. */
    static final int WRITES_PER_CALL = 100;

    /** With the key index: bytes of values per {@code txn.lua} call of {@code putAll}, at most (a larger value goes alone). */
    static final int GROUP_VALUE_BYTES = 256 * 1024;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] ZERO = RedisKvStoreClient.ascii("0");
    private static final byte[] ONE = RedisKvStoreClient.ascii("1");
    private static final byte[] PUT = RedisKvStoreClient.ascii("p");

    private final String storeType;
    private final String where;
    private final RedisSettings settings;
    private final BooleanSupplier failoverInProgress;
    private final LazyConnection<StatefulRedisConnection<String, byte[]>> connection;
    /** {@link ReservedKeys#INDEX} with the key index, else {@code null}. */
    private final String index;

    private volatile boolean closed;

    RedisBulk(RedisSettings settings, RedisClient client, RedisURI uri, BooleanSupplier failoverInProgress) {
        this.settings = settings;
        this.storeType = settings.storeType();
        this.where = settings.describe();
        this.failoverInProgress = failoverInProgress;
        this.index = settings.keyIndex() ? ReservedKeys.INDEX : null;
        this.connection = new LazyConnection<>(
                where + " (bulk connection)",
                () -> client.connectAsync(RedisKvStoreClient.CODEC, uri)
                        .toCompletableFuture()
                        .thenApply(c -> {
                            c.setAutoFlushCommands(false);
                            return c;
                        }));
    }

    /** Reads checked, distinct keys; absent keys are left out; in the keys' order. */
    CompletableFuture<Map<String, KvPair>> getAll(List<String> keys) {
        return run("getAll", keys.get(0), c -> {
            CompletableFuture<Map<String, KvPair>> read = RedisListing.mgetWithLeases(c.async(), keys);
            c.flushCommands();
            return read.thenApply(found -> {
                Map<String, KvPair> result = new LinkedHashMap<>(found.size() * 2);
                for (String key : keys) {
                    KvPair pair = found.get(key);
                    if (pair != null) {
                        result.put(key, pair);
                    }
                }
                return Collections.unmodifiableMap(result);
            });
        });
    }

    /** Writes checked entries (values already copied), one {@code txn.lua} put per key (with the index: per group), pipelined. */
    CompletableFuture<Void> putAll(Map<String, byte[]> entries) {
        String first = entries.keySet().iterator().next();
        if (failoverInProgress.getAsBoolean()) {
            return CompletableFuture.failedFuture(RedisErrors.writeHeld(storeType, where, "putAll", first));
        }
        return run("putAll", first, c -> {
            RedisAsyncCommands<String, byte[]> a = c.async();
            List<CompletableFuture<?>> sent = new ArrayList<>(entries.size() + 1);
            sent.add(a.scriptLoad(RedisScripts.TXN.source()).toCompletableFuture());
            String sha = RedisScripts.TXN.sha();
            if (index != null) {
                putGroups(c, entries, sent);
                c.flushCommands();
                return allDone(sent);
            }
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                sent.add(a.<Long>evalsha(
                                sha,
                                ScriptOutputType.INTEGER,
                                writeKeys(e.getKey()),
                                ZERO,
                                ONE,
                                PUT,
                                e.getValue(),
                                EMPTY,
                                EMPTY)
                        .toCompletableFuture());
                if (sent.size() % FLUSH_EVERY == 0) {
                    c.flushCommands();
                }
            }
            c.flushCommands();
            return allDone(sent);
        });
    }

    /**
     * With the key index: the entries in {@code txn.lua} calls of up to {@value #WRITES_PER_CALL}
     * plain puts and {@value #GROUP_VALUE_BYTES} bytes of values (a larger value goes alone), each
     * call one atomic step for its keys, their lease bookkeeping and their index members.
     */
    private void putGroups(
            StatefulRedisConnection<String, byte[]> c, Map<String, byte[]> entries, List<CompletableFuture<?>> sent) {
        List<String> keys = new ArrayList<>(WRITES_PER_CALL);
        List<byte[]> values = new ArrayList<>(WRITES_PER_CALL);
        long bytes = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!keys.isEmpty()
                    && (keys.size() == WRITES_PER_CALL || bytes + e.getValue().length > GROUP_VALUE_BYTES)) {
                sendPuts(c, keys, values, sent);
                keys.clear();
                values.clear();
                bytes = 0;
            }
            keys.add(e.getKey());
            values.add(e.getValue());
            bytes += e.getValue().length;
        }
        sendPuts(c, keys, values, sent);
    }

    private static void sendPuts(
            StatefulRedisConnection<String, byte[]> c,
            List<String> keys,
            List<byte[]> values,
            List<CompletableFuture<?>> sent) {
        sent.add(c.async()
                .<Long>evalsha(
                        RedisScripts.TXN.sha(),
                        ScriptOutputType.INTEGER,
                        RedisKeyIndex.writeKeys(keys),
                        RedisKeyIndex.putArgs(values))
                .toCompletableFuture());
        if (sent.size() % FLUSH_EVERY == 0) {
            c.flushCommands();
        }
    }

    /** Deletes checked, distinct keys with their lease keys, pipelined. */
    CompletableFuture<Void> deleteAll(List<String> keys) {
        if (failoverInProgress.getAsBoolean()) {
            return CompletableFuture.failedFuture(RedisErrors.writeHeld(storeType, where, "deleteAll", keys.get(0)));
        }
        return run("deleteAll", keys.get(0), c -> {
            RedisAsyncCommands<String, byte[]> a = c.async();
            List<CompletableFuture<?>> sent = new ArrayList<>(keys.size() + 1);
            if (index == null) {
                for (String key : keys) {
                    sent.add(a.del(key, ReservedKeys.leaseOf(key)).toCompletableFuture());
                    if (sent.size() % FLUSH_EVERY == 0) {
                        c.flushCommands();
                    }
                }
            } else {
                // txn.lua calls of up to DELETES_PER_CALL deletes: each key with its lease key and
                // index member (and each group) in one step, at a fraction of a call per key's cost.
                sent.add(a.scriptLoad(RedisScripts.TXN.source()).toCompletableFuture());
                for (int i = 0; i < keys.size(); i += DELETES_PER_CALL) {
                    List<String> group = keys.subList(i, Math.min(keys.size(), i + DELETES_PER_CALL));
                    sent.add(a.<Long>evalsha(
                                    RedisScripts.TXN.sha(),
                                    ScriptOutputType.INTEGER,
                                    RedisKeyIndex.writeKeys(group),
                                    RedisKeyIndex.deleteArgs(group.size()))
                            .toCompletableFuture());
                    if (sent.size() % FLUSH_EVERY == 0) {
                        c.flushCommands();
                    }
                }
            }
            c.flushCommands();
            return allDone(sent);
        });
    }

    /** {@code txn.lua}'s KEYS for one plain put of {@code key} without the index: the key and its lease key. */
    private static String[] writeKeys(String key) {
        return new String[] {key, ReservedKeys.leaseOf(key)};
    }

    /** After a Sentinel failover: drops the connection to the old master, as the command connection's. */
    void reconnect() {
        StatefulRedisConnection<String, byte[]> c = connection.ifOpen();
        if (c != null) {
            SentinelFollower.reconnect(c, where);
            c.flushCommands();
        }
    }

    @Override
    public void close() {
        closed = true;
        connection.close();
    }

    private static CompletableFuture<Void> allDone(List<CompletableFuture<?>> sent) {
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /** Runs an operation on the bulk connection, the whole bounded by the timeout, failures translated. */
    private <T> CompletableFuture<T> run(
            String op, String key, Function<StatefulRedisConnection<String, byte[]>, CompletableFuture<T>> body) {
        if (closed) {
            return CompletableFuture.failedFuture(RedisErrors.closed(storeType, where, op, key));
        }
        StatefulRedisConnection<String, byte[]> open = connection.ifOpen();
        CompletableFuture<T> f;
        try {
            f = open != null ? body.apply(open) : connection.get().thenCompose(body);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        Futures.withTimeout(f, settings.timeout(), () -> RedisErrors.timedOut(storeType, where, op, key))
                .whenComplete((v, e) -> {
                    if (e == null) {
                        out.complete(v);
                    } else {
                        out.completeExceptionally(
                                closed
                                        ? RedisErrors.closed(storeType, where, op, key)
                                        : RedisErrors.translate(storeType, where, op, key, e));
                    }
                });
        return out;
    }
}
