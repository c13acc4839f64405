package dev.kvstore.spi;

import dev.kvstore.KvEvent;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one watch's events to its listener off the driver's threads, in the order they were
 * dispatched, one call at a time. {@link #dispatch} never blocks and never runs the listener on
 * the caller's thread, so a driver I/O thread can call it.
 *
 * <p>Isolation: each dispatcher with pending events holds at most one thread of a shared,
 * growing pool of daemon threads, so a slow listener delays only its own watch. A listener that
 * throws is logged (with its exception) and goes on receiving later events.
 *
 * <p>After {@link #close()} returns the listener is not called again.
 *
 * <p>A listener of kvstore's own that is quick and never blocks ({@link Inline}, package-private:
 * the layer {@link GapFreeWatch} puts over a store's watch) is called directly on the thread that
 * dispatches, one call at a time, so it adds no hop and no unbounded queue.
 */
public final class ListenerDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerDispatcher.class);
    private static final ExecutorService POOL = Executors.newCachedThreadPool(new DaemonFactory());

    private final String description;
    private final Consumer<KvEvent> listener;
    private final Queue<KvEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ReentrantLock delivering = new ReentrantLock();
    private volatile boolean closed;
    private final boolean inline;

    /**
     * A listener that may run on a driver's I/O thread: quick, never blocking, never calling back
     * into the store. Only kvstore's own watch layers implement it.
     */
    interface Inline extends Consumer<KvEvent> {}

    /**
     * Creates a dispatcher for one listener.
     *
     * @param description names the watch in log messages, such as {@code "etcd watch on foo/ (prefix)"}
     * @param listener the user's listener
     */
    public ListenerDispatcher(String description, Consumer<KvEvent> listener) {
        this.description = Objects.requireNonNull(description, "description");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.inline = listener instanceof Inline;
    }

    /** Runs a task on the shared listener pool; for the other delivery loops of this package. */
    static void execute(Runnable task) {
        POOL.execute(task);
    }

    /**
     * Queues an event for the listener. Does nothing once closed.
     *
     * @param event the event
     */
    public void dispatch(KvEvent event) {
        Objects.requireNonNull(event, "event");
        if (closed) {
            return;
        }
        if (inline) {
            deliver(event);
            return;
        }
        queue.add(event);
        schedule();
    }

    /** Whether {@link #close()} was called; for tests in this package. */
    boolean isClosed() {
        return closed;
    }

    /** How many events wait for the listener; for tests in this package. */
    int pending() {
        return queue.size();
    }

    /**
     * Stops delivery. Events still queued are dropped. When called from a thread other than the
     * listener's own, waits for a listener call in progress to return. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        queue.clear();
        if (!delivering.isHeldByCurrentThread()) {
            delivering.lock();
            delivering.unlock();
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            POOL.execute(this::drain);
        }
    }

    private void drain() {
        try {
            KvEvent event;
            while (!closed && (event = queue.poll()) != null) {
                deliver(event);
            }
        } finally {
            scheduled.set(false);
        }
        if (!closed && !queue.isEmpty()) {
            schedule();
        }
    }

    private void deliver(KvEvent event) {
        delivering.lock();
        try {
            if (closed) {
                return;
            }
            listener.accept(event);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            LOG.warn("listener of {} threw on {}; it keeps receiving events", description, event, e);
        } finally {
            delivering.unlock();
        }
    }

    private static final class DaemonFactory implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "kvstore-listener-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
