package dev.kvstore.redis;

import dev.kvstore.spi.AbstractKvLease;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One lease granted by a {@link RedisLeases}: its id and owner token on the server, when its last
 * successful keep-alive was sent, and its two timers (the next keep-alive, the loss deadline).
 *
 * <p>Threads: the timers run on the SPI's shared timer ({@code Futures}); keep-alive
 * replies arrive on lettuce threads and only update volatile fields and reschedule the deadline
 * (the scheduler takes tasks from any thread). {@code revoke()} comes from user threads. The timer
 * fields are guarded by this object's monitor.
 *
 * <p>On a cluster the lease also has shards ({@link ReservedKeys}): {@link #shards} maps each slot
 * where one was created to when the last keep-alive Redis confirmed for it was sent (for a new
 * shard, the lease's confirmed send time its TTL was computed from); the lease counts as
 * confirmed only as far as its least recently confirmed shard, so a shard that a keep-alive
 * missed (created meanwhile) never outlives the loss deadline. Both maps are concurrent.
 */
final class RedisLease extends AbstractKvLease {

    final RedisLeases owner;
    final String token;
    final long ttlMillis;
    /** The instant ({@link System#nanoTime()}) the last keep-alive that Redis confirmed was sent. */
    private volatile long lastConfirmedSend;
    /** Set while a keep-alive is in flight: the next tick skips rather than piling up. */
    final AtomicBoolean inFlight = new AtomicBoolean();

    /** On a cluster: slot → when the last keep-alive confirmed for its shard was sent. */
    final Map<Integer, Long> shards = new ConcurrentHashMap<>();
    /** On a cluster: slot → the creation of its shard, while in flight. */
    final Map<Integer, CompletableFuture<Void>> creating = new ConcurrentHashMap<>();

    private ScheduledFuture<?> keepAlive; // guarded by this
    private ScheduledFuture<?> deadline; // guarded by this

    RedisLease(
            RedisLeases owner,
            String storeType,
            long id,
            Duration ttl,
            Duration timeout,
            String token,
            long grantSent) {
        super(storeType, id, ttl, timeout);
        this.owner = owner;
        this.token = token;
        this.ttlMillis = ttl.toMillis();
        this.lastConfirmedSend = grantSent;
    }

    /** When the last keep-alive that Redis confirmed was sent. */
    long lastConfirmedSend() {
        return lastConfirmedSend;
    }

    /** Records a keep-alive Redis confirmed; {@code false} if an earlier-sent one was already recorded. */
    synchronized boolean confirmed(long sentAt) {
        if (sentAt - lastConfirmedSend <= 0) {
            return false;
        }
        lastConfirmedSend = sentAt;
        return true;
    }

    synchronized void timers(ScheduledFuture<?> keepAlive, ScheduledFuture<?> deadline) {
        if (keepAlive != null) {
            this.keepAlive = keepAlive;
        }
        if (deadline != null) {
            if (this.deadline != null) {
                this.deadline.cancel(false);
            }
            this.deadline = deadline;
        }
    }

    synchronized void stopTimers() {
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** Marks the lease lost (the server no longer has it, or keep-alives failed for the TTL). */
    boolean lost() {
        stopTimers();
        return markLost();
    }

    @Override
    protected CompletableFuture<Void> doRevoke() {
        stopTimers();
        return owner.revoke(this);
    }
}
