package dev.kvstore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An etcd server ({@code /usr/bin/etcd}, 3.4) on free {@code 127.0.0.1} ports with a temporary data
 * directory.
 *
 * <pre>{@code
 * try (EtcdServer etcd = EtcdServer.start()) {
 *     etcd.etcdctl("put", "k", "v");
 *     String address = etcd.address();   // "127.0.0.1:41234"
 * }
 * }</pre>
 *
 * <p>The server is kept small: a 128 MiB backend quota and a snapshot every 10,000 entries. etcd 3.4
 * has no {@code --unsafe-no-fsync}, so every write is synced to disk. The server's output goes to
 * {@code etcd.log} in its directory; a failed start reports the log's tail.
 *
 * <p>Thread-safe. Anything not closed is stopped and deleted when the JVM exits.
 */
public final class EtcdServer implements AutoCloseable {

    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path etcdctl;
    private final Path root;
    private final ServerProcess process;
    private boolean closed;

    private EtcdServer(Path etcd, Path etcdctl, String name, int clientPort, int peerPort, String initialCluster,
            String clusterToken, Path root) {
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.etcdctl = etcdctl;
        this.root = root;
        List<String> command = new ArrayList<>(List.of(
                etcd.toString(),
                "--name=" + name,
                "--data-dir=" + root.resolve("data"),
                "--listen-client-urls=" + url(clientPort),
                "--advertise-client-urls=" + url(clientPort),
                "--listen-peer-urls=" + url(peerPort),
                "--initial-advertise-peer-urls=" + url(peerPort),
                "--initial-cluster=" + initialCluster,
                "--initial-cluster-state=new",
                "--initial-cluster-token=" + clusterToken,
                "--quota-backend-bytes=" + (128L * 1024 * 1024),
                "--snapshot-count=10000",
                "--logger=zap",
                "--log-outputs=stderr"));
        this.process = new ServerProcess("etcd " + name + " at 127.0.0.1:" + clientPort, command, root,
                root.resolve("etcd.log"));
    }

    /**
     * Starts a single-member etcd on free loopback ports and waits until it reports healthy.
     *
     * @return the running server
     * @throws AssertionError if {@code etcd} or {@code etcdctl} is not installed (the message says how
     *     to install them)
     * @throws IllegalStateException if the server does not become healthy in time (with its log's tail)
     */
    public static EtcdServer start() {
        int clientPort = FreePorts.next();
        int peerPort = FreePorts.next();
        String name = "etcd-" + clientPort;
        EtcdServer server = create(name, clientPort, peerPort, name + "=" + url(peerPort), "kvstore-" + clientPort);
        try {
            server.process.start(server::isHealthy);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Creates a member (not yet started) of a cluster; the caller launches it. */
    static EtcdServer create(String name, int clientPort, int peerPort, String initialCluster, String token) {
        Path etcd = Binaries.require("etcd", Binaries.ETCD_PACKAGES);
        Path etcdctl = Binaries.require("etcdctl", Binaries.ETCD_PACKAGES);
        EtcdServer server = new EtcdServer(etcd, etcdctl, name, clientPort, peerPort, initialCluster, token,
                Dirs.create("etcd"));
        Reaper.register(server);
        return server;
    }

    static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** The member name given to etcd ({@code --name}). */
    String name() {
        return name;
    }

    /** The peer port other members reach this one on. */
    int peerPort() {
        return peerPort;
    }

    ServerProcess process() {
        return process;
    }

    /**
     * The client address, {@code "127.0.0.1:port"}.
     *
     * @return the address clients connect to
     */
    public String address() {
        return "127.0.0.1:" + clientPort;
    }

    /**
     * The client port on {@code 127.0.0.1}; it stays the same across {@link #restart()}.
     *
     * @return the client port
     */
    public int port() {
        return clientPort;
    }

    /**
     * Stops the server (SIGTERM, then SIGKILL after a bound) and keeps its data and port. Does nothing
     * if it is not running.
     */
    public void stop() {
        process.stop();
    }

    /**
     * Starts the server again on the same port and data (stopping it first if it runs) and waits
     * until it reports healthy.
     *
     * @throws IllegalStateException if the server was closed, or does not become healthy in time
     */
    public synchronized void restart() {
        checkOpen();
        process.stop();
        process.start(this::isHealthy);
    }

    /**
     * Whether the server process is alive.
     *
     * @return {@code true} between a start and a stop
     */
    public boolean isRunning() {
        return process.isRunning();
    }

    /**
     * Runs {@code etcdctl} (API v3) against this server, for example {@code etcdctl("get", "k")}.
     *
     * @param args the arguments after the global flags
     * @return what etcdctl printed on standard output
     * @throws IllegalStateException if etcdctl exits with a non-zero code (the message holds its
     *     standard error)
     */
    public byte[] etcdctl(String... args) {
        return runEtcdctl(etcdctl, url(clientPort), args);
    }

    static byte[] runEtcdctl(Path etcdctl, String endpoints, String... args) {
        List<String> command = new ArrayList<>(List.of(etcdctl.toString(), "--endpoints=" + endpoints,
                "--dial-timeout=2s", "--command-timeout=5s"));
        for (String arg : args) {
            command.add(Objects.requireNonNull(arg, "arg"));
        }
        return Cli.run(command, Map.of("ETCDCTL_API", "3")).requireSuccess().stdout();
    }

    Path etcdctlPath() {
        return etcdctl;
    }

    /** Whether the server answers {@code /health} with {@code "health":"true"}. */
    boolean isHealthy() {
        String body = httpGet("/health");
        return body != null && body.replace(" ", "").contains("\"health\":\"true\"");
    }

    /**
     * Posts {@code body} to a gRPC-gateway path of this member and returns the reply, or {@code null}
     * if it cannot be reached.
     */
    String httpPost(String path, String body) {
        return http("POST", path, body);
    }

    private String httpGet(String path) {
        return http("GET", path, null);
    }

    private String http(String method, String path, String body) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url(clientPort) + path).toURL()
                    .openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(3000);
            connection.setRequestMethod(method);
            if (body != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/json");
                connection.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            }
            try {
                if (connection.getResponseCode() != 200) {
                    return null;
                }
                try (InputStream in = connection.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return null;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(process + " is closed");
        }
    }

    /** Stops the server and deletes its data directory. Idempotent. */
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

    /**
     * The directory holding the data and the log; deleted by {@link #close()}.
     *
     * @return the server's directory
     */
    Path directory() {
        return root;
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
