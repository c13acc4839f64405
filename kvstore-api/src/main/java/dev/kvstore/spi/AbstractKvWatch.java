package dev.kvstore.spi;

import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A base for a store's {@link KvWatch}: holds the key, delivers events through a
 * {@link ListenerDispatcher}, and closes once. Subclasses release the store-side watch in
 * {@link #onClose()}.
 *
 * <p>It also keeps what every store's watch needs beyond that:
 * <ul>
 *   <li><b>Ordered resolution.</b> {@link #deliverInOrder} queues an event whose content is still
 *       being read (ZooKeeper's and Redis' notifications carry no data); events are delivered in
 *       the order they were queued, each once it and all before it are resolved. A read that fails
 *       counts as a gap ({@link #onGap()}).
 *   <li><b>Connection state.</b> {@link #connectionLost()} delivers exactly one
 *       {@code CONNECTION_DOWN} per loss, however often the driver reports it;
 *       {@link #connectionRestored(boolean)} ends the loss and, when changes may have been missed
 *       meanwhile, calls {@link #onGap()}, which by default delivers {@code UNKNOWN} so the user
 *       re-reads. Both go through the same line as {@link #deliverInOrder}, so they never overtake
 *       an event still being read.
 * </ul>
 *
 * <p>Threads: every method may be called from any thread, a driver's I/O thread included, and
 * none blocks; the listener always runs on a {@link ListenerDispatcher} thread, never on the
 * caller's. {@link #onGap()} runs in the delivery line: on the caller's thread when nothing is
 * pending, else on the thread that resolves the last pending event.
 */
public abstract class AbstractKvWatch implements KvWatch {

    private final String key;
    private final boolean withPrefix;
    private final ListenerDispatcher dispatcher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean down = new AtomicBoolean();
    private final OrderedDelivery<KvEvent> line;
    /** Whether the last thing delivered in line was a gap's UNKNOWN; touched only in the line. */
    private boolean gapReported;

    /**
     * Creates the watch's handle.
     *
     * @param storeType names the store in log messages
     * @param key the watched full key or prefix
     * @param withPrefix whether it is a prefix watch
     * @param listener the user's listener
     */
    protected AbstractKvWatch(String storeType, String key, boolean withPrefix, Consumer<KvEvent> listener) {
        this.key = Objects.requireNonNull(key, "key");
        this.withPrefix = withPrefix;
        this.dispatcher = new ListenerDispatcher(
                storeType + " watch on \"" + key + "\"" + (withPrefix ? " (prefix)" : ""), listener);
        this.line =
                new OrderedDelivery<>(storeType + " watch on \"" + key + "\"", this::deliverInLine, failure -> gap());
    }

    @Override
    public final String key() {
        return key;
    }

    @Override
    public final boolean withPrefix() {
        return withPrefix;
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    /** The events waiting in this watch's {@link ListenerDispatcher} (counted, so proportional to them). */
    @Override
    public int queuedEvents() {
        return dispatcher.pending();
    }

    /**
     * Whether this watch covers a changed key.
     *
     * @param changedKey the full key that changed
     * @return {@code true} if the event should be delivered
     */
    public final boolean covers(String changedKey) {
        return Keys.matches(key, withPrefix, changedKey);
    }

    /**
     * Queues an event for the listener; never blocks, never runs the listener on this thread.
     * Ignored once closed.
     *
     * @param event the event
     */
    protected final void deliver(KvEvent event) {
        dispatcher.dispatch(event);
    }

    /**
     * Queues a {@code CONNECTION_DOWN} event for this watch, unconditionally. Prefer
     * {@link #connectionLost()}, which sends one per loss.
     */
    protected final void deliverConnectionDown() {
        dispatcher.dispatch(KvEvent.connectionDown(key));
    }

    /** Queues an {@code UNKNOWN} event for this watch, unconditionally. */
    protected final void deliverUnknown() {
        dispatcher.dispatch(KvEvent.unknown(key));
    }

    /**
     * Queues an event whose content is still being read. It is delivered after every event queued
     * before it through this method, {@link #connectionLost()} or {@link #connectionRestored}, once
     * it is resolved. A {@code null} result delivers nothing; a failed one counts as a gap
     * ({@link #onGap()}: by default one {@code UNKNOWN} for a run of failures).
     *
     * @param event the event's future content
     * @throws NullPointerException if {@code event} is null
     */
    protected final void deliverInOrder(CompletionStage<? extends KvEvent> event) {
        line.submit(event);
    }

    /**
     * Records that the connection behind this watch is lost. The first call of a loss queues one
     * {@code CONNECTION_DOWN} (in line, after events still being read); later calls, until
     * {@link #connectionRestored}, do nothing. Does nothing once closed.
     *
     * @return {@code true} if this call started a loss (for logging)
     */
    protected final boolean connectionLost() {
        if (!isOpen() || !down.compareAndSet(false, true)) {
            return false;
        }
        line.run(() -> {
            gapReported = false;
            deliverConnectionDown();
        });
        return true;
    }

    /**
     * Records that the watch works again after a {@linkplain #connectionLost() loss}. When
     * {@code changesMayHaveBeenMissed}, calls {@link #onGap()} in line. Does nothing when no loss
     * is recorded.
     *
     * @param changesMayHaveBeenMissed {@code false} when the store resumed exactly where it was
     *     (etcd from the last revision seen); {@code true} when it cannot tell (Redis, ZooKeeper)
     * @return {@code true} if this call ended a loss
     */
    protected final boolean connectionRestored(boolean changesMayHaveBeenMissed) {
        if (!down.compareAndSet(true, false)) {
            return false;
        }
        if (changesMayHaveBeenMissed && isOpen()) {
            line.run(this::gap);
        }
        return true;
    }

    /**
     * Whether a loss is recorded and not yet restored.
     *
     * @return {@code true} between {@link #connectionLost()} and {@link #connectionRestored}
     */
    protected final boolean isConnectionDown() {
        return down.get();
    }

    /**
     * Called, in line, when changes may have been missed: after a restored connection that could
     * not resume exactly, or when reading an event's content failed. By default delivers one
     * {@code UNKNOWN} (several gaps in a row, with nothing delivered between them, make one), so
     * the user re-reads. A store that can resynchronise itself overrides it.
     */
    protected void onGap() {
        if (!gapReported) {
            gapReported = true;
            deliverUnknown();
        }
    }

    private void gap() {
        if (isOpen()) {
            onGap();
        }
    }

    private void deliverInLine(KvEvent event) {
        gapReported = false;
        dispatcher.dispatch(event);
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                onClose();
            } finally {
                dispatcher.close();
            }
        } else {
            dispatcher.close();
        }
    }

    /** Releases the store-side watch; called once, by the first {@link #close()}. */
    protected abstract void onClose();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[key=" + key + ", withPrefix=" + withPrefix + ", open=" + isOpen() + "]";
    }
}
