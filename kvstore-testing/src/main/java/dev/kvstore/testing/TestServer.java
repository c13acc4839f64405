package dev.kvstore.testing;

/**
 * A server started for tests on {@code 127.0.0.1}: what every server in this package can do, so a
 * test (or {@link TestServerExtension}) can drive any of them the same way.
 *
 * <pre>{@code
 * try (TestServer server = EtcdServer.start()) {
 *     String address = server.address();
 *     server.freeze();     // the process stops answering, its sockets stay open
 *     server.thaw();
 *     server.stop();       // the port and the data stay
 *     server.restart();    // back on the same port with the same data
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe; {@link #close()} is idempotent.
 */
public interface TestServer extends AutoCloseable {

    /**
     * The address clients connect to: {@code "127.0.0.1:port"}, or several of them separated by
     * commas where clients are given a list (a cluster, Sentinel).
     *
     * @return the address
     */
    String address();

    /**
     * Stops the server and keeps its port and data. Does nothing if it is not running.
     */
    void stop();

    /**
     * Starts the server again on the same port and data, stopping it first if it runs, and waits
     * until it serves. This is also how a server is started after {@link #stop()}.
     *
     * @throws IllegalStateException if the server was closed, or does not become ready in time
     */
    void restart();

    /**
     * Whether the server runs (between a start and a stop; a frozen server runs).
     *
     * @return {@code true} if it runs
     */
    boolean isRunning();

    /**
     * Whether {@link #freeze()} works for this server: the server is a process of its own whose
     * execution can be suspended.
     *
     * @return {@code true} if it can be frozen
     */
    boolean canFreeze();

    /**
     * Suspends the server's process (SIGSTOP to its own process id): it keeps its sockets open but
     * answers nothing, as a server stalled by the operating system, a long garbage collection or a
     * full disk would. Clients see requests hang, not connections refused. Idempotent.
     *
     * @throws UnsupportedOperationException if {@link #canFreeze()} is {@code false}
     * @throws IllegalStateException if the server is not running
     */
    void freeze();

    /**
     * Resumes a frozen server (SIGCONT). Does nothing if it is not frozen.
     */
    void thaw();

    /**
     * Whether the server is frozen.
     *
     * @return {@code true} between {@link #freeze()} and {@link #thaw()}
     */
    boolean isFrozen();

    /** Stops the server (thawing it first if it is frozen) and deletes its data. Idempotent. */
    @Override
    void close();
}
