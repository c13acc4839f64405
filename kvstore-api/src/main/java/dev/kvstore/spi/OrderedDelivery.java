package dev.kvstore.spi;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers items whose content resolves asynchronously in the order they were submitted, each as
 * soon as it and every item before it are resolved. For a store whose change notifications carry
 * no data: a ZooKeeper watch event needs a {@code getData}, a Redis keyspace notification a
 * {@code GET}; the reads overlap, the deliveries keep the notifications' order.
 *
 * <p>Threads: {@link #submit}, {@link #submitResolved} and {@link #run} may be called from any
 * thread, a driver's I/O thread included; they never block. The sink (and the failure handler)
 * runs on whichever thread completes the last missing piece, usually the driver's thread that
 * completed a read, or the submitter's own when everything is already resolved; calls are never
 * concurrent and follow submission order. So the sink must be quick and must not block: hand
 * items to a {@link ListenerDispatcher}, as {@link AbstractKvWatch} does. A sink or handler that
 * throws is logged and delivery goes on with the next item.
 *
 * @param <T> the delivered items
 */
public final class OrderedDelivery<T> {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedDelivery.class);

    private final String description;
    private final Consumer<? super T> sink;
    private final Consumer<? super Throwable> onFailure;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null); // guarded by this

    /**
     * Creates an empty delivery line.
     *
     * @param description names the line in log messages, such as {@code "zookeeper watch on a/"}
     * @param sink receives each resolved item, in submission order
     * @param onFailure called, in order, instead of the sink for an item that failed to resolve
     *     (with the unwrapped failure)
     * @throws NullPointerException if an argument is null
     */
    public OrderedDelivery(String description, Consumer<? super T> sink, Consumer<? super Throwable> onFailure) {
        this.description = Objects.requireNonNull(description, "description");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    /**
     * Queues an item that resolves later. A {@code null} result delivers nothing (the item turned
     * out not to matter); a failed one goes to the failure handler.
     *
     * @param item the item's future content
     * @throws NullPointerException if {@code item} is null
     */
    public void submit(CompletionStage<? extends T> item) {
        Objects.requireNonNull(item, "item");
        CompletionStage<Runnable> step = item.handle((value, failure) -> failure != null
                ? () -> onFailure.accept(Futures.unwrap(failure))
                : value == null ? () -> {} : () -> sink.accept(value));
        synchronized (this) {
            tail = tail.thenAcceptBoth(step, (x, action) -> runSafely(action));
        }
    }

    /**
     * Queues an item that is already known; it is delivered after everything queued before it.
     *
     * @param item the item
     * @throws NullPointerException if {@code item} is null
     */
    public void submitResolved(T item) {
        Objects.requireNonNull(item, "item");
        run(() -> sink.accept(item));
    }

    /**
     * Runs an action in line: after every item queued before it has been delivered, before any
     * queued after it. For connection-state events that must not overtake pending reads.
     *
     * @param action a quick, non-blocking action
     * @throws NullPointerException if {@code action} is null
     */
    public void run(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (this) {
            tail = tail.thenRun(() -> runSafely(action));
        }
    }

    /** Whether every queued item has been delivered; for tests in this package. */
    synchronized boolean isIdle() {
        return tail.isDone();
    }

    private void runSafely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            LOG.warn("delivering an item of {} threw; going on with the next", description, e);
        }
    }
}
