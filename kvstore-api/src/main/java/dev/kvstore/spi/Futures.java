package dev.kvstore.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Future plumbing every store needs: unwrapping a failure, bounding a future by the timeout, and
 * running a task later, all on one shared timer.
 *
 * <p>Threads: one daemon timer thread ({@code kvstore-timer}) for the whole JVM only counts time;
 * it never runs a store's or a user's code. What is due (a timed-out future's completion with its
 * dependents, a {@linkplain #schedule scheduled} task) runs on a shared, growing pool of daemon
 * threads ({@code kvstore-timer-worker-N}), so a slow dependent delays nothing else.
 */
public final class Futures {

    private static final ScheduledThreadPoolExecutor TIMER = newTimer();
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(daemons("kvstore-timer-worker-"));

    /** The finest granularity of {@link #withTimeout}'s deadlines. */
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A deadline is rounded up by at most this fraction of its timeout (or {@link #MIN_TICK_NANOS}). */
    private static final long TICKS_PER_TIMEOUT = 1000;
    /** Longer timeouts are cut to this (about 73 years), so that no deadline overflows. */
    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 8;
    /** The pending deadlines of {@link #withTimeout} by the {@code nanoTime} they are due at. */
    private static final ConcurrentHashMap<Long, Deadline> DEADLINES = new ConcurrentHashMap<>();

    private Futures() {}

    /**
     * Strips the {@link CompletionException} and {@link ExecutionException} layers that futures
     * wrap a failure in.
     *
     * @param failure what a future failed with; may be {@code null}
     * @return the first cause that is neither (the argument itself when it is neither, or when
     *     such a wrapper has no cause)
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Bounds a future by a timeout, as {@link CompletableFuture#orTimeout} does but on the one
     * shared timer: if {@code future} is not done when the timeout has passed, it is completed
     * exceptionally with the exception {@code onTimeout} supplies. When the future completes first,
     * it is forgotten at once, so nothing is kept per operation.
     *
     * <p>Deadlines are rounded up to a tick (10 ms, or a thousandth of the timeout when that is
     * longer), and every future due in the same tick shares one timer task: a timed-out future
     * fails up to one tick late, and a caller issuing operations one after another does not wake
     * the timer thread for each of them (a {@link ScheduledThreadPoolExecutor} signals its thread
     * whenever a new task becomes its earliest, which is every task when operations run one at a
     * time). An expired tick's task stays on the timer until it is due, even if its futures are
     * done: at most one task per tick of the timeouts in use.
     *
     * <p>The future itself is completed (no new future is made); a timed-out future's dependents
     * run on a {@code kvstore-timer-worker} thread, never on the timer. The operation behind the
     * future is not cancelled: a write that timed out may still be applied.
     *
     * @param future the future to bound
     * @param timeout how long it may take; positive
     * @param onTimeout makes the exception it fails with, such as
     *     {@link StoreErrors#timedOut}; called at most once, on a worker thread
     * @param <T> the future's result type
     * @return {@code future}
     * @throws NullPointerException if an argument is null
     */
    public static <T> CompletableFuture<T> withTimeout(
            CompletableFuture<T> future, Duration timeout, Supplier<? extends RuntimeException> onTimeout) {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(onTimeout, "onTimeout");
        if (future.isDone()) {
            return future;
        }
        long timeoutNanos = Math.min(timeout.toNanos(), MAX_TIMEOUT_NANOS);
        long tick = Math.max(MIN_TICK_NANOS, timeoutNanos / TICKS_PER_TIMEOUT);
        long now = System.nanoTime();
        // the end of the tick the deadline falls in: futures started close together share it
        long due = (Math.floorDiv(now + timeoutNanos, tick) + 1) * tick;
        while (true) {
            Deadline deadline = DEADLINES.computeIfAbsent(due, Deadline::new);
            if (deadline.add(future, onTimeout)) {
                future.whenComplete((v, e) -> deadline.remove(future));
                return future;
            }
            // that deadline has just passed and is being expired: so is this future's
            if (System.nanoTime() - due >= 0) {
                WORKERS.execute(() -> expire(future, onTimeout));
                return future;
            }
        }
    }

    /**
     * Runs a task once, after a delay, on a {@code kvstore-timer-worker} thread (never on the timer
     * itself, so the task may take its time). For retries and back-off, such as re-opening a watch.
     *
     * @param task the task; an exception it throws is dropped (log it in the task)
     * @param delay how long to wait first; zero or negative runs it at once
     * @return the scheduled task; {@code cancel(false)} before it is due stops it
     * @throws NullPointerException if an argument is null
     */
    public static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        Objects.requireNonNull(task, "task");
        return TIMER.schedule(() -> WORKERS.execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs a task at a fixed delay between the end of one run and the start of the next, on the
     * shared timer thread itself. The task must be short and must not block (check a flag, complete
     * a future, start an asynchronous call); anything longer belongs in {@link #schedule}.
     *
     * @param task the short task
     * @param initialDelay until the first run
     * @param delay between runs
     * @return the periodic task; {@code cancel(false)} stops it
     * @throws NullPointerException if an argument is null
     */
    public static ScheduledFuture<?> scheduleShortTaskWithFixedDelay(
            Runnable task, Duration initialDelay, Duration delay) {
        Objects.requireNonNull(task, "task");
        return TIMER.scheduleWithFixedDelay(task, initialDelay.toNanos(), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * How many tasks wait on the shared timer; for tests that check nothing is left behind.
     *
     * @return the timer's queue length
     */
    static int timerQueueSize() {
        return TIMER.getQueue().size();
    }

    /**
     * How many futures {@link #withTimeout} still watches; for tests that check that a future done
     * in time is forgotten.
     *
     * @return the futures not yet done nor expired
     */
    static int pendingTimeouts() {
        return DEADLINES.values().stream().mapToInt(Deadline::size).sum();
    }

    /**
     * The futures due at one tick, and the one timer task that expires those still not done then.
     * Thread-safe: futures are added and removed by any thread; the task runs on the timer thread
     * and hands each expiry to a worker.
     */
    private static final class Deadline implements Runnable {
        private final long due;
        private final ConcurrentHashMap<CompletableFuture<?>, Supplier<? extends RuntimeException>> futures =
                new ConcurrentHashMap<>();
        private boolean fired;

        Deadline(long due) {
            this.due = due;
            TIMER.schedule(this, due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        /** Adds a future; false if this deadline has fired already. */
        synchronized boolean add(CompletableFuture<?> future, Supplier<? extends RuntimeException> onTimeout) {
            if (fired) {
                return false;
            }
            futures.put(future, onTimeout);
            return true;
        }

        void remove(CompletableFuture<?> future) {
            futures.remove(future);
        }

        int size() {
            return futures.size();
        }

        @Override
        public void run() {
            synchronized (this) {
                fired = true;
            }
            DEADLINES.remove(due, this);
            futures.forEach((future, onTimeout) -> {
                if (!future.isDone()) {
                    WORKERS.execute(() -> expire(future, onTimeout));
                }
            });
            futures.clear();
        }
    }

    private static <T> void expire(CompletableFuture<T> future, Supplier<? extends RuntimeException> onTimeout) {
        if (future.isDone()) {
            return;
        }
        RuntimeException failure;
        try {
            failure = onTimeout.get();
        } catch (RuntimeException e) {
            failure = e;
        }
        future.completeExceptionally(failure);
    }

    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemons("kvstore-timer"));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            t.setDaemon(true);
            return t;
        };
    }
}
