package dev.kvstore.backend;

import dev.kvstore.spi.Futures;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Backend's liveness: the last recorded state and, once enabled, the channel it is pushed to.
 *
 * <p>{@link #record} is on every operation's path: when the state is unchanged and no push is due
 * it reads two volatile fields and returns, taking no lock and reading no clock. The tick of the
 * shared timer marks a push as due once an interval has passed since the last push. A push takes the lock and
 * never blocks: the queue is bounded and the oldest entries are dropped to make room.
 *
 * <p>While the channel is enabled a task on the shared timer ({@link Futures#schedule}, run on a
 * {@code kvstore-timer-worker} thread) starts a liveness check whenever nothing was pushed for one
 * interval, so that a silent store still reports.
 */
final class Liveness {

    /** Shortest delay between two ticks, so that a tiny interval cannot spin the scheduler. */
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int capacity;
    private final Runnable check;
    private final Object lock = new Object();
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile boolean alive;
    private volatile BlockingQueue<Boolean> queue;
    private volatile long intervalNanos;
    private volatile long lastPushNanos;
    /** Set by the tick once an interval has passed since the last push; the next record pushes. */
    private volatile boolean pushDue;

    private ScheduledFuture<?> tick; // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * Creates a not-alive state with no channel.
     *
     * @param capacity the channel's capacity
     * @param interval the initial channel interval
     * @param check starts an asynchronous liveness check that {@linkplain #record records} its
     *     answer and runs the given callback when done
     */
    Liveness(int capacity, Duration interval, Runnable check) {
        this.capacity = capacity;
        this.intervalNanos = interval.toNanos();
        this.check = check;
    }

    /**
     * The last recorded state.
     *
     * @return {@code true} if the last operation or check reached the store
     */
    boolean isAlive() {
        return alive;
    }

    /**
     * Records the outcome of an operation or check, pushing it to the channel when it changed or
     * when the interval has passed since the last push. Never blocks.
     *
     * @param state whether the store answered
     */
    void record(boolean state) {
        if (alive == state && !pushDue) {
            return;
        }
        synchronized (lock) {
            boolean changed = alive != state;
            alive = state;
            BlockingQueue<Boolean> q = queue;
            if (q != null && (changed || pushDue)) {
                push(q, state, System.nanoTime());
            }
        }
    }

    /**
     * Enables the channel: creates it and puts the current state in it on the first call.
     *
     * @return the channel, the same on every call
     */
    BlockingQueue<Boolean> enable() {
        BlockingQueue<Boolean> q = queue;
        if (q != null) {
            return q;
        }
        synchronized (lock) {
            if (queue == null) {
                q = new ArrayBlockingQueue<>(capacity);
                push(q, alive, System.nanoTime());
                queue = q;
                scheduleTick(intervalNanos);
            }
            return queue;
        }
    }

    /**
     * Sets the interval after which the state is pushed again even if unchanged.
     *
     * @param interval positive
     */
    void setInterval(Duration interval) {
        synchronized (lock) {
            intervalNanos = interval.toNanos();
            if (queue != null) {
                scheduleTick(Math.max(MIN_TICK_NANOS, intervalNanos - (System.nanoTime() - lastPushNanos)));
            }
        }
    }

    /**
     * The interval after which the state is pushed again even if unchanged.
     *
     * @return the interval
     */
    Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    /** Stops the periodic check. Idempotent. */
    void close() {
        synchronized (lock) {
            closed = true;
            if (tick != null) {
                tick.cancel(false);
                tick = null;
            }
        }
    }

    /**
     * For tests: whether the periodic check is scheduled.
     *
     * @return {@code true} while a tick is scheduled
     */
    boolean isTicking() {
        synchronized (lock) {
            return tick != null;
        }
    }

    /** For tests: marks a push as due, as a tick does once the interval has passed. */
    void markPushDue() {
        pushDue = true;
    }

    /** Called when a check started by a tick is over. */
    void checkDone() {
        checking.set(false);
    }

    private void push(BlockingQueue<Boolean> q, boolean state, long now) {
        // Only pushers (under lock) add; a reader can only make room, so this loop ends.
        while (!q.offer(state)) {
            q.poll();
        }
        lastPushNanos = now;
        pushDue = false;
    }

    private void scheduleTick(long delayNanos) {
        if (closed) {
            return;
        }
        if (tick != null) {
            tick.cancel(false);
        }
        tick = Futures.schedule(this::onTick, Duration.ofNanos(delayNanos));
    }

    private void onTick() {
        long interval = intervalNanos;
        long since = System.nanoTime() - lastPushNanos;
        long next = interval - since;
        if (next <= 0) {
            next = interval;
            pushDue = true;
            if (checking.compareAndSet(false, true)) {
                try {
                    check.run();
                } catch (RuntimeException e) {
                    checking.set(false);
                    record(false);
                }
            }
        }
        synchronized (lock) {
            scheduleTick(Math.max(MIN_TICK_NANOS, next));
        }
    }
}
