package dev.kvstore.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every watch of one client, on one pub/sub connection to one server. Subscriptions, reading a
 * change back and closing are {@link AbstractRedisWatchHub}'s.
 *
 * <p>When the pub/sub connection drops, each watch gets one {@code CONNECTION_DOWN}; lettuce
 * reconnects and subscribes again, and when Redis confirms the subscription the watch gets
 * {@code UNKNOWN} (Redis cannot replay what was missed), after the notification setting is checked
 * again (a restarted Redis forgets a {@code CONFIG SET}).
 *
 * <p>Threads: {@link #watch} and {@link #close()} come from user threads; pub/sub messages,
 * subscription confirmations and connection events come from lettuce's I/O threads and never
 * block. The subscription maps and the notification check are guarded by this object's lock;
 * subscribe and unsubscribe commands are sent under it, so they reach Redis in the order the maps
 * changed. Each watch's delivery is in {@link RedisWatch}.
 */
final class RedisWatchHub
        extends AbstractRedisWatchHub<
                StatefulRedisConnection<String, byte[]>, StatefulRedisPubSubConnection<String, String>> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisWatchHub.class);

    private final RedisClient client;
    private final RedisURI uri;

    // guarded by this
    private CompletableFuture<Void> eventsCheck;

    RedisWatchHub(
            RedisSettings settings,
            RedisClient client,
            RedisURI uri,
            LazyConnection<StatefulRedisConnection<String, byte[]>> commands) {
        super(settings, KeyspaceEvents.channelPrefix(settings.database()), commands, StatefulRedisConnection::async);
        this.client = client;
        this.uri = uri;
    }

    @Override
    CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        return client.connectPubSubAsync(StringCodec.UTF8, uri)
                .toCompletableFuture()
                .thenApply(c -> {
                    c.addListener((io.lettuce.core.pubsub.RedisPubSubListener<String, String>) this);
                    c.addListener(new PubSubState());
                    return c;
                });
    }

    @Override
    CompletableFuture<Void> setUp(RedisWatch w) {
        return pubsub.get()
                .thenCompose(c -> ensureKeyspaceEvents(c).thenApply(v -> c))
                .thenCompose(c -> register(w, () -> sendSubscribe(c, w.topic, w.withPrefix())));
    }

    @Override
    void unsubscribeLocked(String topic, boolean pattern) {
        StatefulRedisPubSubConnection<String, String> c = pubsub.ifOpen();
        if (c != null) {
            sendUnsubscribe(c, topic, pattern);
        }
    }

    /**
     * Checks {@code notify-keyspace-events} once per connection and adds what watches need,
     * keeping the flags already set.
     */
    private synchronized CompletableFuture<Void> ensureKeyspaceEvents(StatefulRedisPubSubConnection<String, String> c) {
        if (eventsCheck != null && !eventsCheck.isCompletedExceptionally()) {
            return eventsCheck;
        }
        eventsCheck = KeyspaceEvents.ensure(c.async(), where);
        return eventsCheck;
    }

    // ---- subscription confirmations, on a lettuce I/O thread: never block here ----

    @Override
    public void subscribed(String channel, long count) {
        resubscribed(watchersOrUnsubscribe(channels, channel, false));
    }

    @Override
    public void psubscribed(String pattern, long count) {
        resubscribed(watchersOrUnsubscribe(patterns, pattern, true));
    }

    /**
     * The watchers of a topic Redis just confirmed. When it has none (every watch on it closed
     * while Redis was unreachable, so lettuce subscribed again on reconnecting), unsubscribes.
     */
    private synchronized List<RedisWatch> watchersOrUnsubscribe(
            Map<String, Set<RedisWatch>> map, String topic, boolean pattern) {
        List<RedisWatch> watchers = watchers(map, topic);
        StatefulRedisPubSubConnection<String, String> c = pubsub.ifOpen();
        if (watchers.isEmpty() && c != null && !closed) {
            sendUnsubscribe(c, topic, pattern);
        }
        return watchers;
    }

    private void resubscribed(List<RedisWatch> watchers) {
        List<RedisWatch> resumed = new ArrayList<>();
        for (RedisWatch w : watchers) {
            if (w.isDown()) {
                resumed.add(w);
            }
        }
        StatefulRedisPubSubConnection<String, String> c = pubsub.ifOpen();
        if (resumed.isEmpty() || c == null) {
            return;
        }
        ensureKeyspaceEvents(c).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("{}: watches resubscribed, but keyspace notifications could not be checked", where, e);
            }
            resumed.forEach(RedisWatch::resumed);
        });
    }

    /** Has lettuce reconnect the pub/sub connection (after a Sentinel failover: to the new master). */
    void reconnect() {
        SentinelFollower.reconnect(pubsub.ifOpen(), where);
    }

    /** The pub/sub connection's state, on lettuce threads. */
    private final class PubSubState implements RedisConnectionStateListener {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            synchronized (RedisWatchHub.this) {
                eventsCheck = null;
            }
            for (RedisWatch w : allWatchers()) {
                w.markConnectionLost();
            }
        }
    }
}
