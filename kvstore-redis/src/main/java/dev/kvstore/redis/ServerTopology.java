package dev.kvstore.redis;

import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One Redis server: at a fixed address ({@code redis}), or the master Sentinel names
 * ({@code redis-sentinel}, followed by a {@link SentinelFollower}). One lettuce
 * {@link RedisClient}, one shared (pipelined) command connection and one pub/sub connection for
 * every watch ({@link RedisWatchHub}), opened lazily and reconnected by lettuce.
 *
 * <p>Threads: as {@link RedisTopology}; Sentinel events arrive on lettuce's I/O threads
 * ({@link SentinelFollower}).
 */
final class ServerTopology implements RedisTopology {

    private final Duration timeout;
    private final RedisClient client;
    private final LazyConnection<StatefulRedisConnection<String, byte[]>> commands;
    private final RedisWatchHub watches;
    private final SentinelFollower follower; // null unless redis-sentinel
    private final RedisBulk bulk;

    ServerTopology(RedisSettings settings) {
        this.timeout = settings.timeout();
        String where = settings.describe();
        RedisURI uri = settings.toUri();
        this.client = RedisClient.create(RedisKvStoreClient.SharedResources.get(), uri);
        client.setOptions(RedisKvStoreClient.clientOptions(settings));
        this.commands = new LazyConnection<>(
                where, () -> client.connectAsync(RedisKvStoreClient.CODEC, uri).toCompletableFuture());
        this.watches = new RedisWatchHub(settings, client, uri, commands);
        this.bulk = new RedisBulk(settings, client, uri, this::failoverInProgress);
        if (settings.sentinel()) {
            this.follower = new SentinelFollower(settings, client, uri, () -> {
                SentinelFollower.reconnect(commands.ifOpen(), where);
                bulk.reconnect();
                watches.reconnect();
            });
            follower.ensureListening();
        } else {
            this.follower = null;
        }
    }

    @Override
    public RedisClusterAsyncCommands<String, byte[]> ifOpen() {
        StatefulRedisConnection<String, byte[]> open = commands.ifOpen();
        return open == null ? null : open.async();
    }

    @Override
    public CompletableFuture<RedisClusterAsyncCommands<String, byte[]>> open() {
        ensureListening();
        return commands.get().thenApply(StatefulRedisConnection::async);
    }

    @Override
    public CompletableFuture<Void> scan(
            RedisClusterAsyncCommands<String, byte[]> c,
            String prefix,
            Function<List<String>, CompletionStage<?>> page) {
        return RedisListing.scan(c, prefix, ScanCursor.INITIAL, page);
    }

    @Override
    public RedisBulk bulk() {
        return bulk;
    }

    @Override
    public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        return watches.watch(key, withPrefix, listener);
    }

    @Override
    public CompletableFuture<Boolean> ping() {
        return open().thenCompose(c -> c.ping().toCompletableFuture()).thenApply("PONG"::equalsIgnoreCase);
    }

    @Override
    public boolean failoverInProgress() {
        return follower != null && follower.failoverInProgress();
    }

    @Override
    public void ensureListening() {
        if (follower != null) {
            follower.ensureListening();
        }
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
        watches.close();
        bulk.close();
        commands.close();
        client.shutdown(Duration.ZERO, timeout);
    }
}
