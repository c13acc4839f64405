package dev.kvstore.redis;

import dev.kvstore.KvEvent;
import dev.kvstore.redis.RedisWatchHub.Change;
import dev.kvstore.redis.RedisWatchHub.Value;
import dev.kvstore.spi.AbstractKvWatch;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One watch's handle: its subscription topic (a keyspace channel or an escaped prefix pattern)
 * and its delivery chain. Delivers through the SPI's dispatcher, in the order the changes were
 * queued, each once its value has been read.
 *
 * <p>Threads: {@link #enqueue}, {@link #markConnectionLost()} and {@link #resumed()} are called by
 * lettuce's I/O threads (pub/sub messages and connection events) through {@link RedisWatchHub};
 * they only append to the chain under this object's lock and never block. The chain runs on
 * whichever thread completes the read it waits for (a lettuce thread) and only queues events to
 * the dispatcher; the user's listener runs on the dispatcher's thread. {@link #close()} may come
 * from any thread.
 */
final class RedisWatch extends AbstractKvWatch {

    /** The channel ({@code SUBSCRIBE}) or pattern ({@code PSUBSCRIBE}) this watch listens on. */
    final String topic;
    private final RedisWatchHub hub;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null); // guarded by this
    private volatile boolean active;
    private volatile boolean down;
    private volatile boolean lastWasUnknown; // touched only by the delivery chain

    RedisWatch(RedisWatchHub hub, String storeType, String topic, String key, boolean withPrefix,
            Consumer<KvEvent> listener) {
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
        return down;
    }

    /** Queues a change, delivered after every change queued before it, once it is read. */
    synchronized void enqueue(String key, CompletableFuture<Change> change) {
        tail = tail.thenCombine(change, (x, c) -> {
            if (c instanceof Value v) {
                lastWasUnknown = false;
                deliver(v.bytes() == null ? KvEvent.delete(key) : KvEvent.put(key, v.bytes(), 0L));
            } else {
                unknown();
            }
            return null;
        });
    }

    /** Delivers {@code UNKNOWN}, once for a run of failed reads. Runs in the delivery chain. */
    private void unknown() {
        if (!lastWasUnknown) {
            lastWasUnknown = true;
            deliverUnknown();
        }
    }

    private synchronized void signal(Runnable r) {
        tail = tail.thenRun(r);
    }

    /** The pub/sub connection dropped: one {@code CONNECTION_DOWN} per loss. */
    void markConnectionLost() {
        if (active && !down) {
            down = true;
            signal(() -> {
                lastWasUnknown = false;
                deliverConnectionDown();
            });
        }
    }

    /** Redis confirmed the subscription again: {@code UNKNOWN}, since Redis cannot replay. */
    void resumed() {
        if (down) {
            down = false;
            signal(this::unknown);
        }
    }

    @Override
    protected void onClose() {
        active = false;
        hub.unsubscribe(this);
    }
}
