package dev.kvstore.redis;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisServerAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a Sentinel failover at once. lettuce looks the master up through the sentinels only
 * when it reconnects, and after a failover the old master keeps our connections (Sentinel demotes
 * it only seconds later), so writes would keep going to a server about to drop them. This listens
 * to the sentinels' {@code +switch-master} and then closes our own connections from the server
 * side ({@code CLIENT KILL ID} of each); lettuce reconnects them to the new master, resubscribing
 * the watches.
 */
final class SentinelFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SentinelFollower.class);
    private static final String CHANNEL = "+switch-master";

    private final String where;
    private final String masterName;
    private final Runnable onSwitch;
    private final LazyConnection<StatefulRedisPubSubConnection<String, String>> sentinel;

    SentinelFollower(RedisSettings settings, RedisClient client, RedisURI uri, Runnable onSwitch) {
        this.where = settings.describe();
        this.masterName = settings.masterName();
        this.onSwitch = onSwitch;
        List<RedisURI> sentinels = uri.getSentinels();
        this.sentinel = new LazyConnection<>(where + " (sentinel events)",
                () -> connect(client, sentinels, 0).thenCompose(this::subscribe));
    }

    /** Connects to the first sentinel that answers. */
    private static CompletableFuture<StatefulRedisPubSubConnection<String, String>> connect(RedisClient client,
            List<RedisURI> sentinels, int i) {
        return client.connectPubSubAsync(StringCodec.UTF8, sentinels.get(i)).toCompletableFuture()
                .exceptionallyCompose(e -> i + 1 < sentinels.size() ? connect(client, sentinels, i + 1)
                        : CompletableFuture.failedFuture(e));
    }

    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> subscribe(
            StatefulRedisPubSubConnection<String, String> c) {
        c.addListener(new RedisPubSubAdapter<String, String>() {
            @Override
            public void message(String channel, String message) {
                // "<master-name> <old-ip> <old-port> <new-ip> <new-port>"
                if (CHANNEL.equals(channel) && message.startsWith(masterName + " ")) {
                    LOG.info("{}: sentinels switched master ({}); reconnecting", where, message);
                    onSwitch.run();
                }
            }
        });
        return c.async().subscribe(CHANNEL).toCompletableFuture().thenApply(v -> c);
    }

    /** Starts listening if not yet done (again after a failed attempt); never blocks. */
    void ensureListening() {
        sentinel.get().whenComplete((c, e) -> {
            if (e != null) {
                LOG.debug("{}: cannot listen to the sentinels yet; retried later", where, e);
            }
        });
    }

    /** Closes one of our connections from the server side, so lettuce reconnects it (to the new master). */
    static void reconnect(Supplier<? extends RedisServerAsyncCommands<String, ?>> commands, String where) {
        RedisServerAsyncCommands<String, ?> a = commands.get();
        a.clientId().thenCompose(id -> a.clientKill(KillArgs.Builder.id(id).skipme(false))).whenComplete((n, e) -> {
            if (e != null) {
                LOG.debug("{}: closing a connection to the old master failed (it may be gone already)", where, e);
            }
        });
    }

    static void reconnect(StatefulRedisConnection<String, ?> c, String where) {
        if (c != null) {
            reconnect(c::async, where);
        }
    }

    @Override
    public void close() {
        sentinel.close();
    }
}
