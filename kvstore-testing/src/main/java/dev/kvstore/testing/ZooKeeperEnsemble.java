package dev.kvstore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

/**
 * A ZooKeeper ensemble (3.9) of several servers running in this JVM, each on free
 * {@code 127.0.0.1} client, quorum and election ports with its own temporary data directory, using
 * Curator's {@code TestingCluster}.
 *
 * <pre>{@code
 * try (ZooKeeperEnsemble zk = ZooKeeperEnsemble.start(3)) {
 *     zk.stopServer(zk.leaderIndex());   // the other two elect a new leader
 *     String address = zk.address();     // "127.0.0.1:41234,127.0.0.1:41240,127.0.0.1:41246"
 * }
 * }</pre>
 *
 * <p>Servers use a 1 s tick and no admin HTTP server, like {@link ZooKeeperServer}. Thread-safe.
 * Anything not closed is stopped and deleted when the JVM exits.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {

    private final List<InstanceSpec> specs;
    private final List<Path> dirs;
    private final TestingCluster cluster;
    private final boolean[] running;
    private boolean closed;

    private ZooKeeperEnsemble(List<InstanceSpec> specs, List<Path> dirs, TestingCluster cluster) {
        this.specs = List.copyOf(specs);
        this.dirs = List.copyOf(dirs);
        this.cluster = cluster;
        this.running = new boolean[specs.size()];
    }

    /**
     * Starts an ensemble of {@code servers} ZooKeeper servers in this JVM and waits until they have
     * elected a leader and every server leads or follows.
     *
     * @param servers how many servers, at least 1 (use an odd number to tolerate failures)
     * @return the running ensemble
     * @throws IllegalArgumentException if {@code servers} is less than 1
     * @throws IllegalStateException if the ensemble does not form in time
     */
    public static ZooKeeperEnsemble start(int servers) {
        if (servers < 1) {
            throw new IllegalArgumentException("a ZooKeeper ensemble needs at least 1 server, not " + servers);
        }
        ZooKeeperServer.disableAdminServer();
        List<InstanceSpec> specs = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            Path dir = Dirs.create("zookeeper-ensemble");
            dirs.add(dir);
            specs.add(ZooKeeperServer.instanceSpec(dir, FreePorts.next(), FreePorts.next(), FreePorts.next(), i + 1));
        }
        ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(specs, dirs, new TestingCluster(specs));
        Reaper.register(ensemble);
        try {
            try {
                ensemble.cluster.start();
            } finally {
                ZooKeeperServer.neverExitJvm();
            }
            synchronized (ensemble) {
                java.util.Arrays.fill(ensemble.running, true);
            }
            ensemble.await("the ensemble " + ensemble.address() + " to elect a leader", () -> {
                for (int i = 0; i < servers; i++) {
                    if (!ensemble.isServing(i)) {
                        return false;
                    }
                }
                return ensemble.currentLeader() >= 0;
            });
            return ensemble;
        } catch (Exception e) {
            ensemble.close();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot start a ZooKeeper ensemble of " + servers, e);
        }
    }

    /**
     * Every server's client address, comma-separated: the connect string for the ensemble.
     *
     * @return {@code "127.0.0.1:p1,127.0.0.1:p2,..."}
     */
    public String address() {
        return specs.stream().map(s -> "127.0.0.1:" + s.getPort()).collect(Collectors.joining(","));
    }

    /**
     * How many servers the ensemble has, running or stopped.
     *
     * @return the number of servers
     */
    public int size() {
        return specs.size();
    }

    /**
     * One server's client address, {@code "127.0.0.1:port"}.
     *
     * @param i the server's index, from 0
     * @return the server's address
     * @throws IndexOutOfBoundsException if there is no such server
     */
    public String serverAddress(int i) {
        return "127.0.0.1:" + specs.get(i).getPort();
    }

    /**
     * The index of the current leader, waiting (up to 30 s) until a running server leads.
     *
     * @return the leader's index, from 0
     * @throws IllegalStateException if no running server leads in time
     */
    public int leaderIndex() {
        await("a leader in " + address(), () -> currentLeader() >= 0);
        return currentLeader();
    }

    private int currentLeader() {
        for (int i = 0; i < specs.size(); i++) {
            if (isServerRunning(i) && "leader".equals(mode(specs.get(i).getPort()))) {
                return i;
            }
        }
        return -1;
    }

    private boolean isServing(int i) {
        String mode = mode(specs.get(i).getPort());
        return isServerRunning(i) && ("leader".equals(mode) || "follower".equals(mode) || "standalone".equals(mode));
    }

    /**
     * The server's mode ({@code leader}, {@code follower}, {@code standalone}) from the {@code srvr}
     * four-letter command, the only one ZooKeeper allows by default; empty if it does not serve.
     */
    static String mode(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(3000);
            socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (String line : reply.split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring("Mode: ".length()).strip();
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Stops one server, keeping its data and ports; its clients move to the others.
     *
     * @param i the server's index, from 0
     * @throws IndexOutOfBoundsException if there is no such server
     */
    public void stopServer(int i) {
        InstanceSpec spec = specs.get(i);
        synchronized (this) {
            if (!running[i]) {
                return;
            }
            running[i] = false;
            try {
                cluster.killServer(spec);
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop ZooKeeper server " + serverAddress(i), e);
            }
        }
        await(
                "ZooKeeper server " + serverAddress(i) + " to stop listening",
                () -> mode(spec.getPort()).isEmpty());
    }

    /**
     * Starts one server again on its ports and data and waits until it leads or follows.
     *
     * @param i the server's index, from 0
     * @throws IndexOutOfBoundsException if there is no such server
     * @throws IllegalStateException if the ensemble was closed, or the server does not rejoin in time
     */
    public void restartServer(int i) {
        InstanceSpec spec = specs.get(i);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the ZooKeeper ensemble " + address() + " is closed");
            }
            try {
                cluster.restartServer(spec);
            } catch (Exception e) {
                throw new IllegalStateException("cannot restart ZooKeeper server " + serverAddress(i), e);
            } finally {
                ZooKeeperServer.neverExitJvm();
            }
            running[i] = true;
        }
        await("ZooKeeper server " + serverAddress(i) + " to rejoin the ensemble", () -> isServing(i));
    }

    /**
     * Whether one server runs.
     *
     * @param i the server's index, from 0
     * @return {@code true} between a start and a stop
     * @throws IndexOutOfBoundsException if there is no such server
     */
    public synchronized boolean isServerRunning(int i) {
        return running[i];
    }

    /**
     * Runs the Debian package's {@code zkCli.sh} against the ensemble with one command; see
     * {@link ZooKeeperServer#zkCli(String...)}.
     *
     * @param command the zkCli command and its arguments
     * @return what the command printed, without zkCli's noise
     * @throws AssertionError if zkCli.sh is not installed (the message says how to install it)
     * @throws IllegalStateException if zkCli.sh exits with a non-zero code
     */
    public String zkCli(String... command) {
        return ZooKeeperServer.runZkCli(address(), command);
    }

    private void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + ServerProcess.READY_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "timed out after " + ServerProcess.READY_TIMEOUT + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Stops every server and deletes their data directories. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        java.util.Arrays.fill(running, false);
        try {
            cluster.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the ZooKeeper ensemble " + address(), e);
        } finally {
            dirs.forEach(Dirs::delete);
            Reaper.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "ZooKeeper ensemble " + address();
    }
}
