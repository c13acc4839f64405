package dev.kvstore.redis;

import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
import dev.kvstore.spi.Futures;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisStringAsyncCommands;
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
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the watch hubs of one server ({@link RedisWatchHub}) and of a cluster
 * ({@link RedisClusterWatchHub}) share: the watches by subscription topic ({@code SUBSCRIBE} to a
 * key's keyspace channel, or {@code PSUBSCRIBE} to an escaped prefix pattern; watches on the same
 * topic share one subscription), the pub/sub connection, turning a notification into an event,
 * and closing. Where the subscriptions are sent (one connection, or every master) is the
 * subclass's.
 *
 * <p>Keyspace notifications carry only the event's name, so a write is read back with {@code GET}
 * on the command connection. Reads for one watch are sent in the order the notifications came and
 * their results delivered in that order ({@link RedisWatch}, over the SPI's
 * {@link dev.kvstore.spi.AbstractKvWatch}), so the last event for a key carries its final state
 * (rapid writes may coalesce into one value, as the contract allows); a failed read is a gap,
 * reported as {@code UNKNOWN}.
 *
 * <p>Threads: {@link #watch} and {@link #close()} come from user threads; pub/sub messages come
 * from lettuce's I/O threads and never block. The topic maps and {@link #closed} are guarded by
 * this object's lock; subscribe and unsubscribe commands are sent under it (see
 * {@link #register} and {@link #unsubscribeLocked}), so they reach Redis in the order the maps
 * changed.
 *
 * @param <C> the command connection's type (a read after a change goes there)
 * @param <P> the pub/sub connection's type
 */
abstract class AbstractRedisWatchHub<
                C extends StatefulConnection<String, byte[]>, P extends StatefulRedisPubSubConnection<String, String>>
        extends RedisPubSubAdapter<String, String> implements RedisWatch.Hub, AutoCloseable {

    /** The store's description, for messages. */
    final String where;

    /** The pub/sub connection every subscription goes through; opened by {@link #connectPubSub()}. */
    final LazyConnection<P> pubsub;

    // guarded by this
    /** The watches of each channel ({@code SUBSCRIBE}). */
    final Map<String, Set<RedisWatch>> channels = new HashMap<>();
    /** The watches of each pattern ({@code PSUBSCRIBE}). */
    final Map<String, Set<RedisWatch>> patterns = new HashMap<>();
    /** Set once by {@link #close()}. */
    boolean closed;

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String storeType;
    private final String channelPrefix;
    private final Duration timeout;
    private final LazyConnection<C> commands;
    private final Function<C, RedisStringAsyncCommands<String, byte[]>> strings;

    /**
     * @param channelPrefix the keyspace channels' prefix ({@link KeyspaceEvents#channelPrefix})
     * @param commands the command connection, for reads after a change
     * @param strings the string commands of an open command connection
     */
    AbstractRedisWatchHub(
            RedisSettings settings,
            String channelPrefix,
            LazyConnection<C> commands,
            Function<C, RedisStringAsyncCommands<String, byte[]>> strings) {
        this.where = settings.describe();
        this.storeType = settings.storeType();
        this.channelPrefix = channelPrefix;
        this.timeout = settings.timeout();
        this.commands = commands;
        this.strings = strings;
        // Called on first use only, once the subclass is constructed.
        this.pubsub = new LazyConnection<>(where + " (watches)", this::connectPubSub);
    }

    /** Opens the pub/sub connection, with this hub as its listener. */
    abstract CompletableFuture<P> connectPubSub();

    /** Subscribes a new watch's topic wherever it must be (through {@link #register}); completes when Redis confirmed. */
    abstract CompletableFuture<Void> setUp(RedisWatch w);

    /** Sends the unsubscribe of a topic no watch is left on. Under the lock, while not closed. */
    abstract void unsubscribeLocked(String topic, boolean pattern);

    /** Creates a watch; completes once Redis has confirmed its subscription (every master's, on a cluster). */
    final CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        RedisWatch w = new RedisWatch(
                this,
                storeType,
                channelPrefix + (withPrefix ? Globs.prefixPattern(key) : key),
                key,
                withPrefix,
                listener);
        CompletableFuture<KvWatch> result = setUp(w).thenApply(v -> {
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

    /**
     * Registers a watch under its topic and runs {@code send} (which sends its subscription), both
     * under the lock, so a concurrent unsubscribe of the same topic reaches Redis before this
     * subscribe, never after. Fails when the hub is closed or the watch was given up meanwhile.
     */
    final synchronized CompletableFuture<Void> register(RedisWatch w, Supplier<CompletableFuture<Void>> send) {
        if (closed) {
            return CompletableFuture.failedFuture(new KvStoreException("the client is closed (" + where + ")"));
        }
        if (!w.isOpen()) { // given up (timed out) while connecting
            return CompletableFuture.failedFuture(
                    new KvStoreException("the watch was closed while it was being set up"));
        }
        (w.withPrefix() ? patterns : channels)
                .computeIfAbsent(w.topic, t -> new LinkedHashSet<>())
                .add(w);
        return send.get();
    }

    /** Sends one topic's subscribe on one connection. */
    static CompletableFuture<Void> sendSubscribe(
            StatefulRedisPubSubConnection<String, String> c, String topic, boolean pattern) {
        RedisPubSubAsyncCommands<String, String> a = c.async();
        return (pattern ? a.psubscribe(topic) : a.subscribe(topic)).toCompletableFuture();
    }

    @Override
    public final void unsubscribe(RedisWatch w) {
        synchronized (this) {
            Map<String, Set<RedisWatch>> map = w.withPrefix() ? patterns : channels;
            Set<RedisWatch> set = map.get(w.topic);
            if (set == null || !set.remove(w) || !set.isEmpty()) {
                return;
            }
            map.remove(w.topic);
            if (!closed) {
                unsubscribeLocked(w.topic, w.withPrefix());
            }
        }
    }

    /** Sends one topic's unsubscribe on one connection; a failure is only logged (its messages are ignored). */
    final void sendUnsubscribe(StatefulRedisPubSubConnection<String, String> c, String topic, boolean pattern) {
        RedisPubSubAsyncCommands<String, String> a = c.async();
        (pattern ? a.punsubscribe(topic) : a.unsubscribe(topic)).whenComplete((v, e) -> {
            if (e != null) {
                log.debug("{}: unsubscribing {} failed; its messages are ignored", where, topic, e);
            }
        });
    }

    // ---- pub/sub messages, on a lettuce I/O thread: never block here ----

    @Override
    public final void message(String channel, String message) {
        onEvent(channel, message, watchers(channels, channel));
    }

    @Override
    public final void message(String pattern, String channel, String message) {
        onEvent(channel, message, watchers(patterns, pattern));
    }

    final synchronized List<RedisWatch> watchers(Map<String, Set<RedisWatch>> map, String topic) {
        Set<RedisWatch> set = map.get(topic);
        return set == null ? List.of() : new ArrayList<>(set);
    }

    final synchronized List<RedisWatch> allWatchers() {
        return allWatchersLocked();
    }

    final List<RedisWatch> allWatchersLocked() {
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
                change = change(key, event);
                if (change == null) {
                    return; // expire, persist, other types' events: the string value did not change
                }
            }
            w.enqueue(change);
        }
    }

    /**
     * What a notification means for a key's watches: a {@code DELETE}, or a read of its new value;
     * {@code null} when its string value did not change.
     */
    CompletableFuture<KvEvent> change(String key, String event) {
        if (KeyspaceEvents.DELETIONS.contains(event)) {
            return CompletableFuture.completedFuture(KvEvent.delete(key));
        } else if (KeyspaceEvents.WRITES.contains(event)) {
            return read(key, false);
        }
        return null;
    }

    /**
     * Reads a key's value now: a {@code PUT} with it, or a {@code DELETE} when the key is gone. With
     * {@code afterDel}, a key that still exists is no event ({@code null}). A failed read fails the
     * future, which the watch reports as a gap ({@code UNKNOWN}).
     */
    final CompletableFuture<KvEvent> read(String key, boolean afterDel) {
        C c = commands.ifOpen();
        CompletableFuture<byte[]> value = c != null
                ? strings.apply(c).get(key).toCompletableFuture()
                : Futures.withTimeout(
                        commands.get()
                                .thenCompose(
                                        open -> strings.apply(open).get(key).toCompletableFuture()),
                        timeout,
                        () -> RedisErrors.timedOut(storeType, where, "read after a change", key));
        return value.whenComplete((v, e) -> {
                    if (e != null) {
                        log.debug("{}: reading \"{}\" after its change failed; its watches get UNKNOWN", where, key, e);
                    }
                })
                .thenApply(v -> v == null ? KvEvent.delete(key) : afterDel ? null : KvEvent.put(key, v, 0L));
    }

    /** What the subclass lets go of when the hub closes. Under the lock. */
    void closeLocked() {}

    @Override
    public final void close() {
        List<RedisWatch> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeLocked();
            all = allWatchersLocked();
            channels.clear();
            patterns.clear();
        }
        all.forEach(RedisWatch::close);
        pubsub.close();
    }
}
