package dev.kvstore;

/**
 * A watch on a key or a key prefix: the handle of a listener registered with
 * {@link KvStoreClient#watch}. Closing it stops the watch; once {@link #close()} returns the
 * listener is not called again.
 */
public interface KvWatch extends AutoCloseable {

    /**
     * The full key, or key prefix, this watch covers.
     *
     * @return the watched key or prefix
     */
    String key();

    /**
     * Whether this watch covers every key starting with {@link #key()} (raw string prefix) or
     * only that exact key.
     *
     * @return {@code true} for a prefix watch
     */
    boolean withPrefix();

    /**
     * Whether this watch is still open (not closed, nor its client).
     *
     * @return {@code true} until the watch or its client is closed
     */
    boolean isOpen();

    /**
     * Events received from the store and not yet handed to the listener: what a slow listener has
     * let pile up (a watch with a queue limit keeps at most that many). For monitoring, such as the
     * {@code kvstore.watch.queue.size} gauge; may cost time proportional to the queue.
     *
     * @return the number of events waiting; 0 for a watch that keeps no queue
     */
    default int queuedEvents() {
        return 0;
    }

    /**
     * Stops the watch. Idempotent; safe to call from the watch's own listener. When called from
     * another thread it waits for a listener call in progress to return.
     */
    @Override
    void close();
}
