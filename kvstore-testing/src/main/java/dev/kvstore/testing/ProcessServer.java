package dev.kvstore.testing;

import java.nio.file.Path;

/**
 * What every server run as one local process on {@code 127.0.0.1} has in common: its port and
 * directory, the {@link ServerProcess} that starts, stops, freezes and thaws it, and a close that
 * stops it and deletes the directory. A server says only how to tell that it is ready for clients
 * ({@link #isReady()}) and what else it offers (its command-line tool, TLS, cluster membership).
 *
 * <p>Thread-safe: {@link #restart()} and {@link #close()} hold this object's lock.
 */
abstract class ProcessServer implements TestServer {

    private final int port;
    private final Path root;
    private final ServerProcess process;
    private boolean closed; // guarded by this

    /**
     * @param port the port clients connect to on {@code 127.0.0.1}
     * @param root the server's directory (data, log), deleted by {@link #close()}
     * @param process the process, not started yet
     */
    ProcessServer(int port, Path root, ServerProcess process) {
        this.port = port;
        this.root = root;
        this.process = process;
    }

    /** Whether the server serves clients; polled after every start until it does. */
    abstract boolean isReady();

    /**
     * Starts the process the first time and waits until it is ready; closes this server (deleting
     * its directory) if it does not become ready.
     */
    final void launch() {
        try {
            process.start(this::isReady);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    final ServerProcess process() {
        return process;
    }

    /** The directory holding the data and the log; deleted by {@link #close()}. */
    final Path directory() {
        return root;
    }

    /**
     * The address, {@code "127.0.0.1:port"}.
     *
     * @return the address clients connect to
     */
    @Override
    public String address() {
        return "127.0.0.1:" + port;
    }

    /**
     * The port on {@code 127.0.0.1} clients connect to; it stays the same across {@link #restart()}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Stops the server (SIGTERM, then SIGKILL after a bound) and keeps its data and port; clients
     * lose their connections. Does nothing if it is not running.
     */
    @Override
    public void stop() {
        process.stop();
    }

    /**
     * Starts the server again on the same port and data (stopping it first if it runs) and waits
     * until it serves clients.
     *
     * @throws IllegalStateException if the server was closed, or does not become ready in time (with
     *     its log's tail)
     */
    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException(process + " is closed");
        }
        process.stop();
        process.start(this::isReady);
    }

    /**
     * Whether the server process is alive.
     *
     * @return {@code true} between a start and a stop
     */
    @Override
    public boolean isRunning() {
        return process.isRunning();
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code true}: the server is a process of its own
     */
    @Override
    public boolean canFreeze() {
        return true;
    }

    /** Suspends the server process (SIGSTOP to its pid); its sockets stay open. Idempotent. */
    @Override
    public void freeze() {
        process.freeze();
    }

    /** Resumes the server process (SIGCONT) if it is frozen. */
    @Override
    public void thaw() {
        process.thaw();
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code true} between {@link #freeze()} and {@link #thaw()}
     */
    @Override
    public boolean isFrozen() {
        return process.isFrozen();
    }

    /** Stops the server and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.stop();
        } finally {
            Dirs.delete(root);
            Reaper.unregister(this);
        }
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
