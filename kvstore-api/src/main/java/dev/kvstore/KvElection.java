package dev.kvstore;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * A candidacy in a named leader election ({@code Backend.elect(name, candidateId)}). At most one
 * candidate leads at a time; when the leader resigns ({@link #close()}) or dies, another candidate
 * leads within the TTL plus 2 seconds.
 *
 * <p>Thread-safe. {@link #close()} resigns.
 */
public interface KvElection extends AutoCloseable {

    /**
     * The election's name.
     *
     * @return the name
     */
    String name();

    /**
     * This candidate's id, as given.
     *
     * @return the id
     */
    String candidateId();

    /**
     * Whether this candidate leads now, as last seen from the store.
     *
     * @return {@code true} while leader
     */
    boolean isLeader();

    /**
     * The current leader's candidate id, as last seen from the store.
     *
     * @return the leader, or empty when none
     */
    Optional<String> leader();

    /**
     * Registers a listener told of every change of leader (on a kvstore thread, in order); it is
     * called at once with the current leader.
     *
     * @param listener receives the leader's id, or empty when there is none
     * @throws NullPointerException if {@code listener} is null
     */
    void onChange(Consumer<Optional<String>> listener);

    /** Resigns and leaves the election. Idempotent. */
    @Override
    void close();
}
