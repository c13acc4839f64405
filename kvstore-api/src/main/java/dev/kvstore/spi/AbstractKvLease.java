package dev.kvstore.spi;

import dev.kvstore.KvLease;
import dev.kvstore.KvStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A base for a store's {@link KvLease}: the state (active, lost, revoked), the {@code onLost}
 * actions and an idempotent revoke, so a store implements only granting, keeping alive and
 * revoking on its server.
 *
 * <p>Threads: {@link #markLost()} may be called from any thread, a driver I/O thread included; the
 * {@code onLost} actions then run on a shared kvstore daemon thread, never on the caller's, each
 * once. The state is one field guarded by this object's monitor; no action runs under it.
 */
public abstract class AbstractKvLease implements KvLease {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractKvLease.class);
    private static final ExecutorService CALLBACKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kvstore-lease-" + Counter.NEXT.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private enum State {
        ACTIVE,
        LOST,
        REVOKED
    }

    private final String storeType;
    private final long id;
    private final Duration ttl;
    private final Duration timeout;
    private final List<Runnable> onLost = new ArrayList<>();
    private State state = State.ACTIVE;

    /**
     * Creates the lease's handle.
     *
     * @param storeType names the store in messages
     * @param id the store's lease id, not 0
     * @param ttl the granted TTL
     * @param timeout how long {@link #revoke()} waits for the store
     */
    protected AbstractKvLease(String storeType, long id, Duration ttl, Duration timeout) {
        this.storeType = Objects.requireNonNull(storeType, "storeType");
        this.id = id;
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Checks a TTL as every store does: whole seconds, at least 2.
     *
     * @param ttl the TTL
     * @return the TTL
     * @throws NullPointerException if {@code ttl} is null
     * @throws IllegalArgumentException if it is under 2 seconds or not whole seconds
     */
    public static Duration checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofSeconds(2)) < 0 || ttl.getNano() != 0) {
            throw new IllegalArgumentException("a lease TTL is whole seconds, at least 2 s; got " + ttl);
        }
        return ttl;
    }

    /**
     * The shared executor {@code onLost} actions run on; stores may use it for other callbacks
     * that must not run on a driver thread.
     *
     * @return the executor
     */
    protected static Executor callbackExecutor() {
        return CALLBACKS;
    }

    @Override
    public final long id() {
        return id;
    }

    @Override
    public final Duration ttl() {
        return ttl;
    }

    @Override
    public final synchronized boolean isActive() {
        return state == State.ACTIVE;
    }

    /**
     * Whether the lease was revoked by its holder.
     *
     * @return {@code true} once {@link #revoke()} was called
     */
    protected final synchronized boolean isRevoked() {
        return state == State.REVOKED;
    }

    @Override
    public final void onLost(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (this) {
            if (state == State.ACTIVE) {
                onLost.add(action);
                return;
            }
            if (state == State.REVOKED) {
                return;
            }
        }
        CALLBACKS.execute(() -> run(action));
    }

    /**
     * Records that the library can no longer vouch for the lease, and runs the {@code onLost}
     * actions (each once, off the caller's thread). Does nothing unless the lease is active.
     *
     * @return {@code true} if this call moved the lease from active to lost
     */
    protected final boolean markLost() {
        List<Runnable> actions;
        synchronized (this) {
            if (state != State.ACTIVE) {
                return false;
            }
            state = State.LOST;
            actions = List.copyOf(onLost);
            onLost.clear();
        }
        LOG.warn("{} lease {} (TTL {}) is lost: its keys may be gone", storeType, id, ttl);
        for (Runnable a : actions) {
            CALLBACKS.execute(() -> run(a));
        }
        return true;
    }

    @Override
    public final void revoke() {
        synchronized (this) {
            if (state == State.REVOKED) {
                return;
            }
            state = State.REVOKED;
            onLost.clear();
        }
        CompletableFuture<Void> f = doRevoke();
        try {
            f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KvStoreException kv) {
                throw kv;
            }
            throw new KvStoreException(storeType + " revoke of lease " + id + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new dev.kvstore.KvStoreUnavailableException(
                    storeType + " revoke of lease " + id + " failed: no answer within " + timeout
                            + "; its keys go when its TTL runs out",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvStoreException(storeType + " revoke of lease " + id + " was interrupted", e);
        }
    }

    @Override
    public final void close() {
        revoke();
    }

    /**
     * Stops keeping the lease alive and asks the store to end it (deleting its keys). Called once,
     * by the first {@link #revoke()}; it may complete on any thread.
     *
     * @return completes when the store confirmed
     */
    protected abstract CompletableFuture<Void> doRevoke();

    private void run(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("an onLost action of {} lease {} threw", storeType, id, e);
        }
    }

    @Override
    public String toString() {
        synchronized (this) {
            return getClass().getSimpleName() + "[id=" + id + ", ttl=" + ttl + ", " + state + "]";
        }
    }

    private static final class Counter {
        static final AtomicInteger NEXT = new AtomicInteger();
    }
}
