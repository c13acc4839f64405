package dev.kvstore;

/**
 * A held lock ({@link KvLock#tryAcquire}). At most one handle per lock name is held at any time,
 * across every process and client of a store.
 *
 * <p>Thread-safe. {@link #close()} is {@link #release()}.
 */
public interface KvLockHandle extends AutoCloseable {

    /**
     * The fencing token of this acquisition: strictly greater than the token of every earlier
     * acquisition of the same lock, by any client, so a resource can refuse a stale holder.
     *
     * @return the token, positive
     */
    long fencingToken();

    /**
     * Whether this handle still holds the lock: not released and not lost.
     *
     * @return {@code true} while held
     */
    boolean isHeld();

    /**
     * Registers an action to run once, on a kvstore thread, when the lock is lost without being
     * released (its lease could not be kept alive for its TTL). It runs before anyone else can
     * acquire the lock. Runs at once if already lost; never after {@link #release()}.
     *
     * @param action what to run
     * @throws NullPointerException if {@code action} is null
     */
    void onLost(Runnable action);

    /**
     * Releases the lock, waking the next waiter. Idempotent.
     *
     * @throws KvStoreUnavailableException if the store did not confirm in time; the lock then ends
     *     with its lease's TTL
     */
    void release();

    /** Same as {@link #release()}. */
    @Override
    void close();
}
