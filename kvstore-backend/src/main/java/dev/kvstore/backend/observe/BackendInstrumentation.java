package dev.kvstore.backend.observe;

import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;

/**
 * The instrumentation of one Backend, from {@link BackendObserver#attach}.
 *
 * <p>Threads: {@link #start} is called on the thread that calls the Backend operation (so a
 * tracer may take that thread's current context as the parent); {@link #watchOpened} on the
 * thread that gets the watch; {@link #watchEvent} on the watch's delivery thread, before the
 * listener; {@link #close} by the thread that closes the Backend. Implementations must be
 * thread-safe, must not block and must not throw.
 */
public interface BackendInstrumentation {

    /**
     * An operation starts. Operation names are the Backend's method names without {@code Async}:
     * {@code get}, {@code list}, {@code listKeys}, {@code exists}, {@code put}, {@code delete},
     * {@code deleteWithPrefix}, {@code createWatch}, {@code deleteWatch}, {@code putIfAbsent},
     * {@code compareAndSet}, {@code compareAndDelete}, {@code commit}, {@code grantLease},
     * {@code livenessCheck}, and the names of operations added later. The store calls the
     * coordination recipes make (locks, elections, registrations, reservations) are observed too,
     * under the names of the store operations they are ({@code grantLease}, {@code commit},
     * {@code list}, {@code delete}, {@code watch}, ...). An argument the Backend refuses before
     * starting the operation (a null or invalid key) starts none.
     *
     * @param operation the operation's name
     * @return its observation, ended exactly once
     */
    OperationObservation start(String operation);

    /**
     * A watch was opened (the store confirmed it). Its {@link KvWatch#isOpen()} says when it ends.
     *
     * @param watch the watch
     */
    default void watchOpened(KvWatch watch) {}

    /**
     * A watch delivers an event, before its listener is called.
     *
     * @param event the event
     */
    default void watchEvent(KvEvent event) {}

    /** The Backend was closed: release what was registered for it (gauges, for instance). */
    default void close() {}
}
