package dev.kvstore.zookeeper;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Bounds futures by one timeout: a FIFO of deadlines swept every few milliseconds (the timeout is
 * the same for every operation, so deadlines come in order), cheaper than a timer per operation.
 * To be replaced by the SPI's shared timer once it exists.
 *
 * <p>Threads: {@link #add} from any thread; the sweep runs on one daemon thread shared by every
 * client; {@link #close} from the client's owner.
 */
final class ZooKeeperDeadlines {

    private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kvstore-zookeeper-timeouts");
        t.setDaemon(true);
        return t;
    });

    private record Deadline(long nanos, CompletableFuture<?> result, String op, String subject) {
    }

    private final long timeoutNanos;
    private final BiFunction<String, String, ? extends Throwable> timedOut;
    private final Queue<Deadline> deadlines = new ConcurrentLinkedQueue<>();
    private final ScheduledFuture<?> sweeper;

    /**
     * @param timeoutNanos the timeout of every operation
     * @param timedOut the failure of an operation ({@code op}, {@code subject}) that timed out
     */
    ZooKeeperDeadlines(long timeoutNanos, BiFunction<String, String, ? extends Throwable> timedOut) {
        this.timeoutNanos = timeoutNanos;
        this.timedOut = timedOut;
        this.sweeper = SWEEPER.scheduleWithFixedDelay(this::sweep, 10, 10, TimeUnit.MILLISECONDS);
    }

    /** Fails {@code result} as timed out unless it completes within the timeout. */
    void add(CompletableFuture<?> result, String op, String subject) {
        deadlines.add(new Deadline(System.nanoTime() + timeoutNanos, result, op, subject));
    }

    private void sweep() {
        long now = System.nanoTime();
        Deadline d;
        while ((d = deadlines.peek()) != null && (d.result.isDone() || now - d.nanos >= 0)) {
            deadlines.poll();
            if (!d.result.isDone()) {
                d.result.completeExceptionally(timedOut.apply(d.op, d.subject));
            }
        }
    }

    /** Stops sweeping; fails every pending future with what {@code closed} gives for it. */
    void close(BiFunction<String, String, ? extends Throwable> closed) {
        sweeper.cancel(false);
        Deadline d;
        while ((d = deadlines.poll()) != null) {
            d.result.completeExceptionally(closed.apply(d.op, d.subject));
        }
    }
}
