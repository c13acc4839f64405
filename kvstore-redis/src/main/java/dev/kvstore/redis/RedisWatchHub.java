package dev.kvstore.redis;

import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.StoreErrors;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every watch of one client, on one pub/sub connection: {@code SUBSCRIBE} to a key's keyspace
 * channel, or {@code PSUBSCRIBE} to an escaped prefix pattern; watches on the same channel or
 * pattern share one subscription.
 *
 * <p>Keyspace notifications carry only the event's name, so a write is read back with
 * {@code GET} on the command connection. Reads for one watch are sent in the order the
 * notifications came and their results delivered in that order, so the last event for a key
 * carries its final state (rapid writes may coalesce into one value, as the contract allows).
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
final class RedisWatchHub extends RedisPubSubAdapter<String, String> implements RedisWatch.Hub, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisWatchHub.class);

    private final String where;
    private final String storeType;
    private final String channelPrefix;
    private final Duration timeout;
    private final LazyConnection<StatefulRedisConnection<String, byte[]>> commands;
    private final LazyConnection<StatefulRedisPubSubConnection<String, String>> pubsub;

    // guarded by this
    private final Map<String, Set<RedisWatch>> channels = new HashMap<>();
    private final Map<String, Set<RedisWatch>> patterns = new HashMap<>();
    private CompletableFuture<Void> eventsCheck;
    private boolean closed;

    RedisWatchHub(
            RedisSettings settings,
            RedisClient client,
            RedisURI uri,
            LazyConnection<StatefulRedisConnection<String, byte[]>> commands) {
        this.where = settings.describe();
        this.storeType = settings.storeType();
        this.channelPrefix = KeyspaceEvents.channelPrefix(settings.database());
        this.timeout = settings.timeout();
        this.commands = commands;
        this.pubsub = new LazyConnection<>(
                where + " (watches)",
                () -> client.connectPubSubAsync(StringCodec.UTF8, uri)
                        .toCompletableFuture()
                        .thenApply(c -> {
                            c.addListener((io.lettuce.core.pubsub.RedisPubSubListener<String, String>) this);
                            c.addListener(new PubSubState());
                            return c;
                        }));
    }

    /** Creates a watch; completes once Redis has confirmed its subscription. */
    CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        RedisWatch w = new RedisWatch(
                this,
                storeType,
                channelPrefix + (withPrefix ? Globs.prefixPattern(key) : key),
                key,
                withPrefix,
                listener);
        CompletableFuture<KvWatch> result = pubsub.get()
                .thenCompose(c -> ensureKeyspaceEvents(c).thenApply(v -> c))
                .thenCompose(c -> subscribe(c, w))
                .thenApply(v -> {
                    w.activate();
                    return (KvWatch) w;
                });
        result.whenComplete((v, e) -> {
            if (e != null) {
                w.close();
            }
        });
        return result;
    }

    private CompletableFuture<Void> subscribe(StatefulRedisPubSubConnection<String, String> c, RedisWatch w) {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new KvStoreException("the client is closed (" + where + ")"));
            }
            if (!w.isOpen()) { // given up (timed out) while connecting
                return CompletableFuture.failedFuture(
                        new KvStoreException("the watch was closed while it was being set up"));
            }
            // Registered and sent under the lock, so a concurrent unsubscribe of the same topic
            // reaches Redis before this subscribe, never after.
            (w.withPrefix() ? patterns : channels)
                    .computeIfAbsent(w.topic, t -> new LinkedHashSet<>())
                    .add(w);
            RedisPubSubAsyncCommands<String, String> a = c.async();
            return (w.withPrefix() ? a.psubscribe(w.topic) : a.subscribe(w.topic)).toCompletableFuture();
        }
    }

    @Override
    public void unsubscribe(RedisWatch w) {
        synchronized (this) {
            Map<String, Set<RedisWatch>> map = w.withPrefix() ? patterns : channels;
            Set<RedisWatch> set = map.get(w.topic);
            if (set == null || !set.remove(w) || !set.isEmpty()) {
                return;
            }
            map.remove(w.topic);
            StatefulRedisPubSubConnection<String, String> c = pubsub.ifOpen();
            if (c == null || closed) {
                return;
            }
            RedisPubSubAsyncCommands<String, String> a = c.async();
            (w.withPrefix() ? a.punsubscribe(w.topic) : a.unsubscribe(w.topic)).whenComplete((v, e) -> {
                if (e != null) {
                    LOG.debug("{}: unsubscribing {} failed; its messages are ignored", where, w.topic, e);
                }
            });
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
        RedisPubSubAsyncCommands<String, String> a = c.async();
        CompletableFuture<Void> check = a.configGet(KeyspaceEvents.SETTING)
                .toCompletableFuture()
                .thenCompose(values -> {
                    String current = values.getOrDefault(KeyspaceEvents.SETTING, "");
                    String missing = KeyspaceEvents.missing(current);
                    if (missing.isEmpty()) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    String wanted = current + missing;
                    return a.configSet(KeyspaceEvents.SETTING, wanted)
                            .toCompletableFuture()
                            .thenRun(() -> LOG.info(
                                    "{}: set {} from \"{}\" to \"{}\" for watches",
                                    where,
                                    KeyspaceEvents.SETTING,
                                    current,
                                    wanted));
                });
        CompletableFuture<Void> explained = new CompletableFuture<>();
        check.whenComplete((v, e) -> {
            if (e == null) {
                explained.complete(null);
            } else if (RedisErrors.isUnavailable(Futures.unwrap(e))) {
                explained.completeExceptionally(e);
            } else {
                explained.completeExceptionally(new KvStoreException(
                        "watches need keyspace notifications from " + where
                                + ", but CONFIG GET/SET " + KeyspaceEvents.SETTING
                                + " failed (" + StoreErrors.describe(Futures.unwrap(e)) + "). Have the operator set "
                                + KeyspaceEvents.SETTING + " to include the flags " + KeyspaceEvents.NEEDED
                                + " (for example \"KEA\"), or allow CONFIG for this user",
                        Futures.unwrap(e)));
            }
        });
        eventsCheck = explained;
        return explained;
    }

    // ---- pub/sub messages, on a lettuce I/O thread: never block here ----

    @Override
    public void message(String channel, String message) {
        onEvent(channel, message, watchers(channels, channel));
    }

    @Override
    public void message(String pattern, String channel, String message) {
        onEvent(channel, message, watchers(patterns, pattern));
    }

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
            RedisPubSubAsyncCommands<String, String> a = c.async();
            (pattern ? a.punsubscribe(topic) : a.unsubscribe(topic)).whenComplete((v, e) -> {
                if (e != null) {
                    LOG.debug("{}: unsubscribing {} failed; its messages are ignored", where, topic, e);
                }
            });
        }
        return watchers;
    }

    private synchronized List<RedisWatch> watchers(Map<String, Set<RedisWatch>> map, String topic) {
        Set<RedisWatch> set = map.get(topic);
        return set == null ? List.of() : new ArrayList<>(set);
    }

    private synchronized List<RedisWatch> allWatchers() {
        List<RedisWatch> all = new ArrayList<>();
        channels.values().forEach(all::addAll);
        patterns.values().forEach(all::addAll);
        return all;
    }

    private void onEvent(String channel, String event, List<RedisWatch> watchers) {
        if (watchers.isEmpty() || !channel.startsWith(channelPrefix)) {
            return;
        }
        // The key is everything after the channel's prefix: keys may hold ':' themselves.
        String key = channel.substring(channelPrefix.length());
        if (ReservedKeys.isReserved(key)) {
            return; // the store's own bookkeeping
        }
        CompletableFuture<KvEvent> change = null;
        for (RedisWatch w : watchers) {
            if (!w.isActive() || !w.covers(key)) {
                continue;
            }
            if (change == null) {
                if (KeyspaceEvents.DELETIONS.contains(event)) {
                    change = CompletableFuture.completedFuture(KvEvent.delete(key));
                } else if (KeyspaceEvents.WRITES.contains(event)) {
                    change = read(key);
                } else {
                    return; // expire, persist, other types' events: the string value did not change
                }
            }
            w.enqueue(change);
        }
    }

    /**
     * Reads a key's value now: a {@code PUT} with it, or a {@code DELETE} when the key is gone. A
     * failed read fails the future, which the watch reports as a gap ({@code UNKNOWN}).
     */
    private CompletableFuture<KvEvent> read(String key) {
        StatefulRedisConnection<String, byte[]> c = commands.ifOpen();
        CompletableFuture<byte[]> value = c != null
                ? c.async().get(key).toCompletableFuture()
                : Futures.withTimeout(
                        commands.get().thenCompose(open -> open.async().get(key).toCompletableFuture()),
                        timeout,
                        () -> RedisErrors.timedOut(storeType, where, "read after a change", key));
        return value.whenComplete((v, e) -> {
                    if (e != null) {
                        LOG.debug("{}: reading \"{}\" after its change failed; its watches get UNKNOWN", where, key, e);
                    }
                })
                .thenApply(v -> v == null ? KvEvent.delete(key) : KvEvent.put(key, v, 0L));
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

    @Override
    public void close() {
        List<RedisWatch> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>();
            channels.values().forEach(all::addAll);
            patterns.values().forEach(all::addAll);
            channels.clear();
            patterns.clear();
        }
        all.forEach(RedisWatch::close);
        pubsub.close();
    }
}
