package dev.kvstore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports on the loopback interface.
 *
 * <p>A port is found by binding an ephemeral port on {@code 127.0.0.1} and closing it again; a port
 * handed out once is never handed out again by this JVM, so servers started together do not collide.
 * Another process may still take the port in between: that is rare, and the server's start then
 * fails with its log.
 */
public final class FreePorts {

    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /**
     * Returns a port on {@code 127.0.0.1} that nothing listens on now and that this JVM has not
     * handed out before.
     *
     * @return a free port
     * @throws UncheckedIOException if no socket can be bound
     */
    public static int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = probe();
            if (GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no new free loopback port after 100 attempts");
    }

    /**
     * Returns a port on {@code 127.0.0.1} that nothing listens on, for tests of an unreachable
     * server. It is never handed out by {@link #next()}.
     *
     * @return a closed port
     * @throws UncheckedIOException if no socket can be bound
     */
    public static int closedPort() {
        return next();
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }
}
