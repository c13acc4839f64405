package dev.kvstore.spi;

import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A base for a store's {@link KvWatch}: holds the key, delivers events through a
 * {@link ListenerDispatcher}, and closes once. Subclasses release the store-side watch in
 * {@link #onClose()}.
 */
public abstract class AbstractKvWatch implements KvWatch {

    private final String key;
    private final boolean withPrefix;
    private final ListenerDispatcher dispatcher;
    private final AtomicBoolean closed = new AtomicBoolean();

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

    /** Queues a {@code CONNECTION_DOWN} event for this watch. */
    protected final void deliverConnectionDown() {
        dispatcher.dispatch(KvEvent.connectionDown(key));
    }

    /** Queues an {@code UNKNOWN} event for this watch. */
    protected final void deliverUnknown() {
        dispatcher.dispatch(KvEvent.unknown(key));
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
