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
     * Stops the watch. Idempotent; safe to call from the watch's own listener. When called from
     * another thread it waits for a listener call in progress to return.
     */
    @Override
    void close();
}
