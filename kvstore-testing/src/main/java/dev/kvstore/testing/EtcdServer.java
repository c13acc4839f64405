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
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

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
 * <p>{@link #startWithTls(TestCertificates)} and {@link #startWithMutualTls(TestCertificates)} start
 * one that serves clients over TLS only ({@code https://127.0.0.1:port}; peers stay plain); its
 * readiness probe and {@link #etcdctl(String...)} then use the test CA and client certificate.
 *
 * <p>Thread-safe. Anything not closed is stopped and deleted when the JVM exits.
 */
public final class EtcdServer extends ProcessServer {

    private final String name;
    private final int peerPort;
    private final Path etcdctl;
    private final Optional<TestCertificates> tls;
    private final SSLContext sslContext;

    private EtcdServer(
            Path etcd,
            Path etcdctl,
            String name,
            int clientPort,
            int peerPort,
            String initialCluster,
            String clusterToken,
            Path root,
            Optional<TestCertificates> tls,
            boolean clientCertAuth) {
        super(
                clientPort,
                root,
                new ServerProcess(
                        "etcd " + name + " at 127.0.0.1:" + clientPort,
                        command(
                                etcd,
                                name,
                                clientUrl(tls, clientPort),
                                peerPort,
                                initialCluster,
                                clusterToken,
                                root,
                                tls,
                                clientCertAuth),
                        root,
                        root.resolve("etcd.log")));
        this.name = name;
        this.peerPort = peerPort;
        this.etcdctl = etcdctl;
        this.tls = tls;
        this.sslContext = tls.map(TestCertificates::clientSslContext).orElse(null);
    }

    private static List<String> command(
            Path etcd,
            String name,
            String clientUrl,
            int peerPort,
            String initialCluster,
            String clusterToken,
            Path root,
            Optional<TestCertificates> tls,
            boolean clientCertAuth) {
        List<String> command = new ArrayList<>(List.of(
                etcd.toString(),
                "--name=" + name,
                "--data-dir=" + root.resolve("data"),
                "--listen-client-urls=" + clientUrl,
                "--advertise-client-urls=" + clientUrl,
                "--listen-peer-urls=" + url(peerPort),
                "--initial-advertise-peer-urls=" + url(peerPort),
                "--initial-cluster=" + initialCluster,
                "--initial-cluster-state=new",
                "--initial-cluster-token=" + clusterToken,
                "--quota-backend-bytes=" + (128L * 1024 * 1024),
                "--snapshot-count=10000",
                "--logger=zap",
                "--log-outputs=stderr"));
        tls.ifPresent(certs -> {
            command.add("--cert-file=" + certs.serverCert());
            command.add("--key-file=" + certs.serverKey());
            if (clientCertAuth) {
                command.add("--client-cert-auth");
                command.add("--trusted-ca-file=" + certs.caCert());
            }
        });
        return command;
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
        return start(Optional.empty(), false);
    }

    /**
     * Starts a single-member etcd that serves clients over TLS only, with
     * {@code certificates.serverCert()} and {@code serverKey()}; clients need not present a
     * certificate. Waits until it reports healthy over https.
     *
     * @param certificates the certificates, e.g. from {@link TestCertificates#generate(Path)}
     * @return the running server; clients connect to {@code https://} {@link #address()}
     * @throws AssertionError if {@code etcd} or {@code etcdctl} is not installed
     * @throws IllegalStateException if the server does not become healthy in time (with its log's tail)
     */
    public static EtcdServer startWithTls(TestCertificates certificates) {
        return start(Optional.of(Objects.requireNonNull(certificates, "certificates")), false);
    }

    /**
     * Starts a single-member etcd that serves clients over mutual TLS only: like
     * {@link #startWithTls(TestCertificates)}, and every client must present a certificate signed by
     * {@code certificates.caCert()} ({@code --client-cert-auth --trusted-ca-file}).
     *
     * @param certificates the certificates, e.g. from {@link TestCertificates#generate(Path)}
     * @return the running server; clients connect to {@code https://} {@link #address()} with
     *     {@code certificates.clientCert()} and {@code clientKey()}
     * @throws AssertionError if {@code etcd} or {@code etcdctl} is not installed
     * @throws IllegalStateException if the server does not become healthy in time (with its log's tail)
     */
    public static EtcdServer startWithMutualTls(TestCertificates certificates) {
        return start(Optional.of(Objects.requireNonNull(certificates, "certificates")), true);
    }

    private static EtcdServer start(Optional<TestCertificates> tls, boolean clientCertAuth) {
        int clientPort = FreePorts.next();
        int peerPort = FreePorts.next();
        String name = "etcd-" + clientPort;
        EtcdServer server = create(
                name, clientPort, peerPort, name + "=" + url(peerPort), "kvstore-" + clientPort, tls, clientCertAuth);
        server.launch();
        return server;
    }

    /** Creates a member (not yet started) of a cluster; the caller launches it. */
    static EtcdServer create(String name, int clientPort, int peerPort, String initialCluster, String token) {
        return create(name, clientPort, peerPort, initialCluster, token, Optional.empty(), false);
    }

    private static EtcdServer create(
            String name,
            int clientPort,
            int peerPort,
            String initialCluster,
            String token,
            Optional<TestCertificates> tls,
            boolean clientCertAuth) {
        Path etcd = Binaries.require("etcd", Binaries.ETCD_PACKAGES);
        Path etcdctl = Binaries.require("etcdctl", Binaries.ETCD_PACKAGES);
        Path root = Dirs.create("etcd");
        EtcdServer server;
        try {
            server = new EtcdServer(
                    etcd, etcdctl, name, clientPort, peerPort, initialCluster, token, root, tls, clientCertAuth);
        } catch (RuntimeException e) {
            Dirs.delete(root); // e.g. unreadable certificates
            throw e;
        }
        Reaper.register(server);
        return server;
    }

    static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** The client URL: {@code http://} or, with TLS, {@code https://127.0.0.1:port}. */
    private static String clientUrl(Optional<TestCertificates> tls, int clientPort) {
        return (tls.isPresent() ? "https" : "http") + "://127.0.0.1:" + clientPort;
    }

    private String clientUrl() {
        return clientUrl(tls, port());
    }

    /** The member name given to etcd ({@code --name}). */
    String name() {
        return name;
    }

    /** The peer port other members reach this one on. */
    int peerPort() {
        return peerPort;
    }

    /**
     * Runs {@code etcdctl} (API v3) against this server, for example {@code etcdctl("get", "k")}.
     * With TLS it passes the test CA and client certificate ({@code --cacert --cert --key}).
     *
     * @param args the arguments after the global flags
     * @return what etcdctl printed on standard output
     * @throws IllegalStateException if etcdctl exits with a non-zero code (the message holds its
     *     standard error)
     */
    public byte[] etcdctl(String... args) {
        if (tls.isEmpty()) {
            return runEtcdctl(etcdctl, url(port()), args);
        }
        TestCertificates certs = tls.get();
        List<String> all = new ArrayList<>(
                List.of("--cacert=" + certs.caCert(), "--cert=" + certs.clientCert(), "--key=" + certs.clientKey()));
        for (String arg : args) {
            all.add(Objects.requireNonNull(arg, "arg"));
        }
        return runEtcdctl(etcdctl, clientUrl(), all.toArray(String[]::new));
    }

    static byte[] runEtcdctl(Path etcdctl, String endpoints, String... args) {
        List<String> command = new ArrayList<>(
                List.of(etcdctl.toString(), "--endpoints=" + endpoints, "--dial-timeout=2s", "--command-timeout=5s"));
        for (String arg : args) {
            command.add(Objects.requireNonNull(arg, "arg"));
        }
        return Cli.run(command, Map.of("ETCDCTL_API", "3")).requireSuccess().stdout();
    }

    Path etcdctlPath() {
        return etcdctl;
    }

    /** Whether the server answers {@code /health} with {@code "health":"true"}. */
    @Override
    boolean isReady() {
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
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create(clientUrl() + path).toURL().openConnection();
            if (connection instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(sslContext.getSocketFactory());
            }
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
}
