package dev.kvstore.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback interface.
 *
 * <p>A port is picked at random <em>below the kernel's ephemeral range</em> (Linux's
 * {@code net.ipv4.ip_local_port_range}, 32768–60999 by default) and checked by binding it on
 * {@code 127.0.0.1}. The kernel never gives such a port to an outgoing connection, so:
 * <ul>
 *   <li>a client's connection cannot take a server's port while the server is stopped for a
 *       restart test;
 *   <li>a connection to a closed port (a cut {@link TcpProxy}, a stopped server) is refused, and
 *       cannot connect to itself (TCP's simultaneous open, when the kernel happens to pick the
 *       target port as the connection's own).
 * </ul>
 * A port handed out once is never handed out again by this JVM, so servers started together do not
 * collide. Another process may still take the port in between: that is rare, and the server's start
 * then fails with its log. Where the range cannot be read, or leaves no room below it, the kernel
 * picks an ephemeral port as before.
 */
public final class FreePorts {

    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /** The lowest port handed out: above the well-known and most registered service ports. */
    static final int LOWEST = 10_000;

    private static final int EPHEMERAL_LOW = ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));

    private FreePorts() {}

    /**
     * Returns a port on {@code 127.0.0.1} that nothing listens on now and that this JVM has not
     * handed out before.
     *
     * @return a free port
     * @throws UncheckedIOException if no socket can be bound
     */
    public static int next() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = EPHEMERAL_LOW > LOWEST + 1_000
                    ? ThreadLocalRandom.current().nextInt(LOWEST, EPHEMERAL_LOW)
                    : probeEphemeral();
            if (!GIVEN.contains(port) && bindable(port) && GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no new free loopback port after 200 attempts");
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

    /**
     * The first port of the ephemeral range in {@code rangeFile} ("low high"), or 0 when it cannot be
     * read (then ports come from the kernel's ephemeral range).
     */
    static int ephemeralLow(Path rangeFile) {
        // A reader, not Files.readString: that sizes its read by the file's size, which procfs
        // reports as 0, and returned only the first byte here.
        try (BufferedReader reader = Files.newBufferedReader(rangeFile)) {
            String line = reader.readLine();
            return Integer.parseInt(line.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static int probeEphemeral() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }
}
