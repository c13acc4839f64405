package dev.kvstore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.util.ServiceUtils;

/**
 * A standalone ZooKeeper server (3.9) running in this JVM, on a free {@code 127.0.0.1} port with a
 * temporary data directory, using Curator's {@code TestingServer}.
 *
 * <pre>{@code
 * try (ZooKeeperServer zk = ZooKeeperServer.start()) {
 *     zk.zkCli("create", "/k", "v");
 *     String address = zk.address();   // "127.0.0.1:41234"
 * }
 * }</pre>
 *
 * <p>The server uses a 1 s tick (sessions of 2 s to 20 s), no limit on connections per client
 * address, and no admin HTTP server (this class sets the system property
 * {@code zookeeper.admin.enableServer=false}). ZooKeeper's embedded server would end the JVM with
 * {@code System.exit} if it died; this class makes that only log. Its log goes through SLF4J.
 *
 * <p>Thread-safe. Anything not closed is stopped and deleted when the JVM exits. The server's
 * threads are not daemons: a plain {@code main} that leaves one open does not end by itself
 * (JUnit's Surefire and Failsafe end their JVM with {@code System.exit}, which runs the cleanup).
 */
public final class ZooKeeperServer implements AutoCloseable {

    /** The Debian package's command-line client. */
    static final Path ZK_CLI = Path.of("/usr/share/zookeeper/bin/zkCli.sh");

    static final int TICK_MILLIS = 1000;

    private final int port;
    private final Path root;
    private final TestingServer server;
    private boolean running;
    private boolean closed;

    private ZooKeeperServer(int port, Path root, TestingServer server) {
        this.port = port;
        this.root = root;
        this.server = server;
    }

    /**
     * Starts a standalone ZooKeeper in this JVM on a free loopback port and waits until it serves.
     *
     * @return the running server
     * @throws IllegalStateException if the server cannot start
     */
    public static ZooKeeperServer start() {
        disableAdminServer();
        int port = FreePorts.next();
        Path root = Dirs.create("zookeeper");
        InstanceSpec spec = instanceSpec(root, port, -1, -1, -1);
        TestingServer server;
        try {
            server = new TestingServer(spec, false);
        } catch (Exception e) {
            Dirs.delete(root);
            throw new IllegalStateException("cannot create ZooKeeper on 127.0.0.1:" + port, e);
        }
        ZooKeeperServer zooKeeper = new ZooKeeperServer(port, root, server);
        Reaper.register(zooKeeper);
        try {
            zooKeeper.restart();
        } catch (RuntimeException e) {
            zooKeeper.close();
            throw e;
        }
        return zooKeeper;
    }

    static void disableAdminServer() {
        System.setProperty("zookeeper.admin.enableServer", "false");
    }

    /**
     * ZooKeeper's embedded server calls {@code System.exit} when it dies unexpectedly, and sets that
     * behaviour again each time one starts; after a start, make it only log, so a server's failure
     * fails a test instead of ending the test JVM.
     */
    static void neverExitJvm() {
        ServiceUtils.setSystemExitProcedure(ServiceUtils.LOG_ONLY);
    }

    /**
     * The spec of one server bound to 127.0.0.1; negative ports are for a standalone server. The data
     * go to {@code root/data}: ZooKeeper's embedded server writes a configuration file next to its
     * data directory and never deletes it, so that file must land inside {@code root} too.
     */
    static InstanceSpec instanceSpec(Path root, int port, int electionPort, int quorumPort, int serverId) {
        Path dataDir = root.resolve("data");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        return new InstanceSpec(dataDir.toFile(), port, electionPort, quorumPort, false, serverId, TICK_MILLIS, 0,
                Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
    }

    /**
     * The address, {@code "127.0.0.1:port"}.
     *
     * @return the connect string clients use
     */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /**
     * The port on {@code 127.0.0.1}; it stays the same across {@link #restart()}.
     *
     * @return the client port
     */
    public int port() {
        return port;
    }

    /** Stops the server and keeps its data and port; clients lose their connection. Idempotent. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop ZooKeeper at " + address(), e);
        }
    }

    /**
     * Starts the server again on the same port and data (stopping it first if it runs) and waits
     * until it accepts connections.
     *
     * @throws IllegalStateException if the server was closed or cannot start
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("ZooKeeper at " + address() + " is closed");
        }
        try {
            server.restart();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start ZooKeeper at " + address(), e);
        } finally {
            neverExitJvm();
        }
        running = true;
        awaitListening(port);
    }

    /**
     * Whether the server runs.
     *
     * @return {@code true} between a start and a stop
     */
    public synchronized boolean isRunning() {
        return running;
    }

    /**
     * Runs the Debian package's {@code zkCli.sh} against this server with one command, for example
     * {@code zkCli("get", "/k")}, which returns {@code "v"}. Only standard output is returned:
     * zkCli.sh prints a banner and connection events around the answer ("Connecting to ...",
     * "WATCHER::", "WatchedEvent ...", blank lines), which are removed; it prints errors and
     * confirmations such as "Created /k" on standard error, which is dropped. Each call starts a JVM
     * (about a second). The server must be running: against a stopped one, zkCli.sh keeps trying to
     * connect until this method's 30 s bound.
     *
     * @param command the zkCli command and its arguments
     * @return what the command printed on standard output, without zkCli's noise
     * @throws AssertionError if zkCli.sh is not installed (the message says how to install it)
     * @throws IllegalStateException if zkCli.sh exits with a non-zero code (for example "Node does
     *     not exist"; the message holds its standard error), or runs longer than 30 s
     */
    public String zkCli(String... command) {
        return runZkCli(address(), command);
    }

    static String runZkCli(String address, String... command) {
        Path zkCli = Binaries.requireFile(ZK_CLI, Binaries.ZOOKEEPER_PACKAGES);
        List<String> line = new ArrayList<>(List.of(zkCli.toString(), "-server", address));
        for (String arg : command) {
            line.add(Objects.requireNonNull(arg, "arg"));
        }
        String out = Cli.run(line, Map.of()).requireSuccess().stdoutText();
        return out.lines().filter(l -> !isZkCliNoise(l)).collect(Collectors.joining("\n"));
    }

    private static boolean isZkCliNoise(String line) {
        return line.startsWith("Connecting to ")
                || line.isBlank()
                || line.startsWith("WATCHER::")
                || line.startsWith("WatchedEvent ")
                || line.matches("^\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d.*")
                || line.startsWith("log4j:")
                || line.startsWith("SLF4J:");
    }

    static void awaitListening(int port) {
        long deadline = System.nanoTime() + ServerProcess.READY_TIMEOUT.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("ZooKeeper on 127.0.0.1:" + port + " does not accept connections",
                            e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }
    }

    /** Stops the server and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop ZooKeeper at " + address(), e);
        } finally {
            Dirs.delete(root);
            Reaper.unregister(this);
        }
    }

    /** The directory holding the data; deleted by {@link #close()}. */
    Path directory() {
        return root;
    }

    @Override
    public String toString() {
        return "ZooKeeper at " + address();
    }
}
