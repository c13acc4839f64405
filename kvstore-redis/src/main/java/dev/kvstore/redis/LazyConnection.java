package dev.kvstore.redis;

import dev.kvstore.KvStoreException;
import io.lettuce.core.api.StatefulConnection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One lettuce connection, opened asynchronously on first use. Once open, lettuce reconnects it by
 * itself; until it first opens, each use after a failed attempt starts a new attempt, so a client
 * created while Redis is down starts working when Redis comes up, and nothing ever blocks on a
 * connect.
 *
 * @param <C> the connection's type
 */
final class LazyConnection<C extends StatefulConnection<?, ?>> implements AutoCloseable {

    /** After a failed attempt, uses within this many nanoseconds get that failure instead of a new attempt. */
    static final long RETRY_AFTER_NANOS = 250_000_000L;

    /** How many times an attempt is repeated when lettuce lost its handshake race (see {@link #connect}). */
    static final int HANDSHAKE_RACE_RETRIES = 3;

    private final Supplier<CompletableFuture<C>> connector;
    private final String description;
    private CompletableFuture<C> current; // guarded by this
    private volatile C open;
    private boolean closed; // guarded by this
    private volatile long failedAt;

    LazyConnection(String description, Supplier<CompletableFuture<C>> connector) {
        this.description = description;
        this.connector = connector;
    }

    /** The connection when it is open (lettuce may be reconnecting it), or {@code null}. */
    C ifOpen() {
        return open;
    }

    /**
     * The connection, or the attempt under way; starts a new attempt when the last one failed,
     * unless it failed less than 250 ms ago (so a burst of operations against a Redis that is down
     * does not turn into a burst of connection attempts).
     */
    synchronized CompletableFuture<C> get() {
        if (closed) {
            return CompletableFuture.failedFuture(new KvStoreException(description + " is closed"));
        }
        if (current == null
                || (current.isCompletedExceptionally() && System.nanoTime() - failedAt >= RETRY_AFTER_NANOS)) {
            CompletableFuture<C> attempt = connect(HANDSHAKE_RACE_RETRIES);
            current = attempt;
            attempt.whenComplete((c, e) -> {
                if (c != null) {
                    opened(c);
                } else {
                    failedAt = System.nanoTime();
                }
            });
        }
        return current;
    }

    /**
     * One connection attempt, repeated at once when lettuce lost its own handshake race: when
     * the server answers the handshake (with an error such as {@code NOAUTH}, or by closing)
     * before lettuce's connect listener runs, lettuce reports "RedisHandshakeHandler not
     * registered" in place of the real outcome. Another attempt reports that outcome.
     */
    private CompletableFuture<C> connect(int retries) {
        CompletableFuture<C> attempt = connector.get();
        if (retries == 0) {
            return attempt;
        }
        CompletableFuture<C> outcome = new CompletableFuture<>();
        attempt.whenComplete((c, e) -> {
            if (c != null) {
                outcome.complete(c);
            } else if (lostHandshakeRace(e)) {
                connect(retries - 1).whenComplete((c2, e2) -> {
                    if (c2 != null) {
                        outcome.complete(c2);
                    } else {
                        outcome.completeExceptionally(e2);
                    }
                });
            } else {
                outcome.completeExceptionally(e);
            }
        });
        return outcome;
    }

    /** Whether the failure is lettuce's "RedisHandshakeHandler not registered", anywhere in its causes. */
    static boolean lostHandshakeRace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("RedisHandshakeHandler not registered")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private void opened(C c) {
        boolean late;
        synchronized (this) {
            late = closed;
            if (!late) {
                open = c;
            }
        }
        if (late) {
            c.closeAsync();
        }
    }

    /**
     * Stops handing out the connection; one still being opened is closed when it opens. The open
     * connection itself is closed by the owner's {@code RedisClient.shutdown}. Idempotent, never
     * blocks.
     */
    @Override
    public synchronized void close() {
        closed = true;
        open = null;
    }
}
