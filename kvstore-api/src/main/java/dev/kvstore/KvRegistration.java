package dev.kvstore;

import java.util.function.Consumer;

/**
 * A self-healing ephemeral key, as services keep in a registry ({@code Backend.register(key, value,
 * ttl)}): the key lives under a lease; when the lease or session is lost and the store is reachable
 * again, the library puts the key back under a new lease.
 *
 * <p>Thread-safe. {@link #close()} deletes the key.
 */
public interface KvRegistration extends AutoCloseable {

    /**
     * The registered key, as stored (full key).
     *
     * @return the key
     */
    String key();

    /**
     * Whether the key is registered now, as far as the library can vouch.
     *
     * @return {@code true} while registered
     */
    boolean isRegistered();

    /**
     * Registers a listener told of every change: {@code false} when the registration was lost,
     * {@code true} when it is back. Runs on a kvstore thread, in order.
     *
     * @param listener receives the new state
     * @throws NullPointerException if {@code listener} is null
     */
    void onChange(Consumer<Boolean> listener);

    /** Stops keeping the key and deletes it. Idempotent. */
    @Override
    void close();
}
