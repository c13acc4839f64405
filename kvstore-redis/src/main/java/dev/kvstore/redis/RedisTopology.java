package dev.kvstore.redis;

import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How a Redis client reaches its data: one server ({@code redis}, {@code redis-sentinel}:
 * {@link ServerTopology}) or a cluster ({@code redis-cluster}: {@link ClusterTopology}).
 * {@link RedisKvStoreClient} is written against lettuce's {@link RedisClusterAsyncCommands}, the
 * common super-interface of the standalone and the cluster commands, and asks this strategy for
 * what differs: the connections, how keys are enumerated, how watches subscribe, and what a write
 * must wait for. (How lease bookkeeping is named differs too: {@link ReservedKeys.Layout}.)
 *
 * <p>Threads: every method may be called from any thread and none blocks, except
 * {@link #close()}, which waits at most the timeout for lettuce to shut down.
 */
interface RedisTopology extends AutoCloseable {

    /** The command connection's commands when it is open (lettuce may be reconnecting it), else {@code null}. */
    RedisClusterAsyncCommands<String, byte[]> ifOpen();

    /** The command connection's commands, once it is open; starts connecting when needed. */
    CompletableFuture<RedisClusterAsyncCommands<String, byte[]>> open();

    /**
     * Walks every user key that starts with {@code prefix}, handing them to {@code page} a batch
     * at a time; a key present throughout the walk is handed over at least once (on a cluster a
     * key moving between nodes meanwhile may come twice: callers collect into a set or act
     * idempotently).
     */
    CompletableFuture<Void> scan(
            RedisClusterAsyncCommands<String, byte[]> c,
            String prefix,
            Function<List<String>, CompletionStage<?>> page);

    /** Creates a watch; completes once every server concerned confirmed the subscription. */
    CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener);

    /** Whether every server that holds data answers {@code PING} now. */
    CompletableFuture<Boolean> ping();

    /** Whether writes must be refused now (Sentinel is replacing the master). */
    boolean failoverInProgress();

    /** Starts (again) listening for topology events where that is done in the background; never blocks. */
    void ensureListening();

    /**
     * The pipelined bulk operations on a connection of their own, or {@code null} where the
     * topology has none (a cluster: the SPI's default, one single-key call per key, all at once).
     */
    default RedisBulk bulk() {
        return null;
    }

    /** Closes the watches and the connections and shuts lettuce's client down. Idempotent. */
    @Override
    void close();
}
