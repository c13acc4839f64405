package dev.kvstore.redis;

import dev.kvstore.KvEvent;
import dev.kvstore.spi.AbstractKvWatch;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One watch's handle: its subscription topic (a keyspace channel or an escaped prefix pattern).
 * Ordered delivery of events still being read, and the one-{@code CONNECTION_DOWN}-per-loss
 * bookkeeping, are the SPI's ({@link AbstractKvWatch}); a failed read is a gap, reported as
 * {@code UNKNOWN}.
 *
 * <p>Threads: {@link #enqueue}, {@link #markConnectionLost()} and {@link #resumed()} are called by
 * lettuce's I/O threads (pub/sub messages and connection events) through its hub and
 * never block; {@link #close()} may come from any thread. The listener runs on the SPI
 * dispatcher's thread.
 */
final class RedisWatch extends AbstractKvWatch {

    /** The channel ({@code SUBSCRIBE}) or pattern ({@code PSUBSCRIBE}) this watch listens on. */
    final String topic;

    private final Hub hub;
    private volatile boolean active;

    /** Where a watch's subscription lives: {@link RedisWatchHub}, or {@link RedisClusterWatchHub}. */
    interface Hub {
        /** Drops a closed watch's subscription (the topic's, once no other watch shares it). */
        void unsubscribe(RedisWatch w);
    }

    RedisWatch(Hub hub, String storeType, String topic, String key, boolean withPrefix, Consumer<KvEvent> listener) {
        super(storeType, key, withPrefix, listener);
        this.hub = hub;
        this.topic = topic;
    }

    /** Marks the watch active: Redis has confirmed its subscription. */
    void activate() {
        active = true;
    }

    boolean isActive() {
        return active && isOpen();
    }

    boolean isDown() {
        return isConnectionDown();
    }

    /** Queues a change, delivered after every change queued before it, once it is read. */
    void enqueue(CompletionStage<KvEvent> change) {
        deliverInOrder(change);
    }

    /** The pub/sub connection dropped: one {@code CONNECTION_DOWN} per loss, once the watch is active. */
    void markConnectionLost() {
        if (active) {
            connectionLost();
        }
    }

    /** Redis confirmed the subscription again: {@code UNKNOWN}, since Redis cannot replay. */
    void resumed() {
        connectionRestored(true);
    }

    @Override
    protected void onClose() {
        active = false;
        hub.unsubscribe(this);
    }
}
