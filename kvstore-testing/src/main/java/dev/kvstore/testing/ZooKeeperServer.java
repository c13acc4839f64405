package dev.kvstore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.curator.test.InstanceSpec;
import org.apache.zookeeper.util.ServiceUtils;

/**
 * A standalone ZooKeeper server (3.9) in a child JVM of its own, on a free {@code 127.0.0.1} port
 * with a temporary data directory.
 *
 * <pre>{@code
 * try (ZooKeeperServer zk = ZooKeeperServer.start()) {
 *     zk.zkCli("create", "/k", "v");
 *     String address = zk.address();   // "127.0.0.1:41234"
 *     zk.freeze();                     // SIGSTOP: sessions stall, nothing answers
 * }
 * }</pre>
 *
 * <p><b>Why a child JVM.</b> The server runs {@code org.apache.zookeeper.server.ZooKeeperServerMain}
 * with this JVM's class path ({@link ChildJvm#classPath()}), not in the test's own JVM, so that it
 * is a process like etcd and Redis: {@link #freeze()} suspends it with SIGSTOP (a server in the
 * test's JVM cannot be suspended without suspending the test), a crash of the server cannot end
 * the test JVM, and client and server do not share one heap and garbage collector. A start costs
 * a JVM start (about a second here).
 *
 * <p>The server uses a 1 s tick (sessions of 2 s to 20 s), no limit on connections per client
 * address, no admin HTTP server, and {@code forceSync=no} (its log is written to the operating
 * system at once, so even a SIGKILL loses nothing, but not synced to disk). Its output goes to
 * {@code zookeeper.log} in its directory; a failed start reports the log's tail.
 *
 * <p>Thread-safe. Anything not closed is stopped and deleted when the JVM exits.
 */
public final class ZooKeeperServer extends ProcessServer {

    /** The Debian package's command-line client. */
    static final Path ZK_CLI = Path.of("/usr/share/zookeeper/bin/zkCli.sh");

    static final int TICK_MILLIS = 1000;

    private static final String MAIN_CLASS = "org.apache.zookeeper.server.ZooKeeperServerMain";

    private ZooKeeperServer(int port, Path root) {
        super(
                port,
                root,
                new ServerProcess(
                        "ZooKeeper at 127.0.0.1:" + port, command(port, root), root, root.resolve("zookeeper.log")));
    }

    /** Writes the server's configuration into {@code root} and returns the command that runs it. */
    private static List<String> command(int port, Path root) {
        Path config = root.resolve("zoo.cfg");
        try {
            Files.createDirectories(root.resolve("data"));
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "tickTime=" + TICK_MILLIS,
                            "dataDir=" + root.resolve("data"),
                            "clientPort=" + port,
                            "clientPortAddress=127.0.0.1",
                            "maxClientCnxns=0",
                            "admin.enableServer=false",
                            "forceSync=no",
                            "4lw.commands.whitelist=srvr,ruok",
                            ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        return ChildJvm.command(
                MAIN_CLASS, List.of(config.toString()), List.of("-Xmx256m", "-Dzookeeper.admin.enableServer=false"));
    }

    /**
     * Starts a standalone ZooKeeper in a child JVM on a free loopback port and waits until it serves.
     *
     * @return the running server
     * @throws IllegalStateException if the server does not serve in time (with its log's tail)
     */
    public static ZooKeeperServer start() {
        Path root = Dirs.create("zookeeper");
        ZooKeeperServer zooKeeper;
        try {
            zooKeeper = new ZooKeeperServer(FreePorts.next(), root);
        } catch (RuntimeException e) {
            Dirs.delete(root);
            throw e;
        }
        Reaper.register(zooKeeper);
        zooKeeper.launch();
        return zooKeeper;
    }

    /** Whether the server answers the {@code srvr} command as a running standalone server. */
    @Override
    boolean isReady() {
        return srvr(port()).contains("Mode: standalone");
    }

    /** The reply to ZooKeeper's {@code srvr} four-letter command, or "" if there is none. */
    static String srvr(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
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
        return new InstanceSpec(
                dataDir.toFile(),
                port,
                electionPort,
                quorumPort,
                false,
                serverId,
                TICK_MILLIS,
                0,
                Map.of("clientPortAddress", "127.0.0.1"),
                "127.0.0.1");
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
                    throw new IllegalStateException(
                            "ZooKeeper on 127.0.0.1:" + port + " does not accept connections", e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }
    }
}
