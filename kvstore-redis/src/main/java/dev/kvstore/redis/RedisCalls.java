package dev.kvstore.redis;

import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.spi.Futures;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How one client's operations reach Redis: each refused once the client is closed, bounded by the
 * timeout, its failure translated into {@code <store> <operation> "<key>" failed: ...}
 * ({@link RedisErrors}), a write held while Sentinel fails the master over, and on a cluster a
 * command that a moving slot refused sent again ({@link #retried}).
 *
 * <p><b>Slots on the move.</b> On a cluster a command on several keys of one slot (the key and its
 * lease-id key, a script) fails with {@code TRYAGAIN} while that slot is being migrated and only
 * some of the keys have moved; and a script that touches a key it did not declare fails when that
 * key has moved. Neither has written anything (the scripts are written so), so it is sent again
 * after 5, 10, 20 ... 100 ms, within the operation's timeout; what is still refused then fails as
 * {@link KvStoreUnavailableException}, the retryable error.
 *
 * <p>Threads: called from any thread, never blocks; futures complete on lettuce's I/O threads or
 * the SPI's timer. The closed flag is volatile.
 */
final class RedisCalls {

    /** The first pause before a command a moving slot refused is sent again; doubled up to {@link #MAX_RETRY_DELAY_MILLIS}. */
    private static final long FIRST_RETRY_DELAY_MILLIS = 5;

    private static final long MAX_RETRY_DELAY_MILLIS = 100;

    private final String storeType;
    private final String where;
    private final Duration timeout;
    private final RedisTopology topology;
    private final boolean cluster;
    private volatile boolean closed;

    RedisCalls(RedisSettings settings, RedisTopology topology) {
        this.storeType = settings.storeType();
        this.where = settings.describe();
        this.timeout = settings.timeout();
        this.topology = topology;
        this.cluster = settings.cluster();
    }

    /** Whether the client is closed: every operation then fails. */
    boolean isClosed() {
        return closed;
    }

    /** From now on every operation fails as closed. */
    void markClosed() {
        closed = true;
    }

    /**
     * Runs one command. When the connection is open (the usual case) the command goes straight
     * to lettuce, whose command timeout bounds it; otherwise it waits for the connection, the
     * whole bounded by the timeout.
     */
    <T> CompletableFuture<T> command(
            String name, String key, Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> op) {
        if (closed) {
            return CompletableFuture.failedFuture(RedisErrors.closed(storeType, where, name, key));
        }
        RedisClusterAsyncCommands<String, byte[]> open = topology.ifOpen();
        CompletableFuture<T> f;
        if (open != null) {
            f = retried(() -> op.apply(open));
        } else {
            f = Futures.withTimeout(
                    topology.open().thenCompose(c -> retried(() -> op.apply(c))),
                    timeout,
                    () -> RedisErrors.timedOut(storeType, where, name, key));
        }
        return translated(f, name, key);
    }

    /**
     * Runs {@code attempt}; on a cluster, runs it again while a slot being migrated refuses it
     * ({@link RedisErrors#isSlotMoving}), pausing 5, 10, 20 ... 100 ms, for at most the timeout
     * (a retry in progress is bounded by it too). On one server it runs once.
     */
    <T> CompletableFuture<T> retried(Supplier<? extends CompletionStage<T>> attempt) {
        if (!cluster) {
            return attempt.get().toCompletableFuture();
        }
        return retried(attempt, System.nanoTime() + timeout.toNanos(), FIRST_RETRY_DELAY_MILLIS);
    }

    private <T> CompletableFuture<T> retried(
            Supplier<? extends CompletionStage<T>> attempt, long deadline, long delayMillis) {
        CompletableFuture<T> first;
        try {
            first = attempt.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return first.exceptionallyCompose(e -> {
            long left = deadline - System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(delayMillis);
            if (!RedisErrors.isSlotMoving(e) || left <= 0) {
                return CompletableFuture.failedFuture(e);
            }
            CompletableFuture<T> next = new CompletableFuture<>();
            Futures.schedule(
                    () -> retried(attempt, deadline, Math.min(MAX_RETRY_DELAY_MILLIS, 2 * delayMillis))
                            .whenComplete((v, x) -> {
                                if (x == null) {
                                    next.complete(v);
                                } else {
                                    next.completeExceptionally(x);
                                }
                            }),
                    Duration.ofMillis(delayMillis));
            Throwable refused = Futures.unwrap(e);
            return Futures.withTimeout(
                    next,
                    Duration.ofNanos(deadline - System.nanoTime()),
                    () -> new KvStoreUnavailableException(
                            "a hash slot was still being migrated when the timeout ran out: " + refused.getMessage(),
                            refused));
        });
    }

    /** Runs one write command; refused while Sentinel fails the master over. */
    <T> CompletableFuture<T> write(
            String name, String key, Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> op) {
        if (failoverInProgress()) {
            return writeHeld(name, key);
        }
        return command(name, key, op);
    }

    /** Runs an operation of several commands, the whole bounded by the timeout. */
    <T> CompletableFuture<T> multiStep(
            String name, String prefix, Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> op) {
        if (closed) {
            return CompletableFuture.failedFuture(RedisErrors.closed(storeType, where, name, prefix));
        }
        CompletableFuture<T> f = Futures.withTimeout(
                topology.open().thenCompose(op), timeout, () -> RedisErrors.timedOut(storeType, where, name, prefix));
        return translated(f, name, prefix);
    }

    /** The future's outcome, its failure translated into {@code <store> <operation> "<key>" failed: ...}. */
    <T> CompletableFuture<T> translated(CompletableFuture<T> f, String operation, String key) {
        CompletableFuture<T> out = new CompletableFuture<>();
        f.whenComplete((v, e) -> {
            if (e == null) {
                out.complete(v);
            } else {
                out.completeExceptionally(
                        closed
                                ? RedisErrors.closed(storeType, where, operation, key)
                                : RedisErrors.translate(storeType, where, operation, key, e));
            }
        });
        return out;
    }

    /** Whether Sentinel is replacing the master: writes now could be acknowledged and then lost. */
    boolean failoverInProgress() {
        return topology.failoverInProgress();
    }

    /** A write refused while Sentinel fails the master over. */
    <T> CompletableFuture<T> writeHeld(String operation, String key) {
        return CompletableFuture.failedFuture(RedisErrors.writeHeld(storeType, where, operation, key));
    }
}
