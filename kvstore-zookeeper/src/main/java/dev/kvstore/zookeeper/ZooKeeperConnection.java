package dev.kvstore.zookeeper;

import dev.kvstore.KvStoreConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.common.KeyStoreFileType;
import org.apache.zookeeper.data.ACL;

/**
 * The connection set-up: ZooKeeper client configuration (packet limit, TLS from PEM files), the
 * Curator client and its retry policy, digest credentials, and the ACLs of keys and containers.
 *
 * <p>TLS: ZooKeeper's {@code X509Util} reads PEM trust and key stores
 * ({@code zookeeper.ssl.*.type=PEM}), but wants the client's certificate chain and its key in one
 * file. When {@code tls-cert-file} and {@code tls-key-file} are given they are copied into one
 * owner-only temporary file, which ZooKeeper reads when it connects, deleted by {@link #close()}.
 *
 * <p>Threads: built and closed by the client's owner; {@link #connectedHandle()} is called from
 * any thread.
 */
final class ZooKeeperConnection implements AutoCloseable {

    /** The least client packet limit: replies of a read-only multi up to it are accepted. */
    private static final long REPLY_LIMIT = 32L * 1024 * 1024;
    /** The most reads in one read-only multi. */
    private static final int MAX_BATCH = 256;

    private final CuratorFramework curator;
    private final AsyncCuratorFramework async;
    private final List<ACL> keyAcl;
    private final List<ACL> containerAcl;
    private final int batch;
    private final Optional<Path> keyStoreFile;

    ZooKeeperConnection(ZooKeeperSettings settings) {
        boolean digest = settings.username().isPresent();
        this.keyAcl = digest ? ZooDefs.Ids.CREATOR_ALL_ACL : ZooDefs.Ids.OPEN_ACL_UNSAFE;
        this.containerAcl = List.of(new ACL(
                ZooDefs.Perms.ALL & ~ZooDefs.Perms.WRITE,
                digest ? ZooDefs.Ids.AUTH_IDS : ZooDefs.Ids.ANYONE_ID_UNSAFE));

        ZKClientConfig zk = new ZKClientConfig();
        zk.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        // The client's packet limit bounds replies only: raised so that a read-only multi of `batch`
        // values of the largest size fits. The server's own limit still bounds every request.
        long replyLimit = Math.max(REPLY_LIMIT, settings.maxValueSize() + 65536);
        zk.setProperty("jute.maxbuffer", String.valueOf(replyLimit));
        this.batch = (int) Math.max(1, Math.min(MAX_BATCH, (replyLimit - 65536) / (settings.maxValueSize() + 1024)));
        this.keyStoreFile = settings.tls() ? configureTls(settings, zk) : Optional.empty();

        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .sessionTimeoutMs((int) settings.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) settings.timeout().toMillis())
                .retryPolicy(new RetryUntilElapsed((int) settings.timeout().toMillis(), 50))
                .zkClientConfig(zk);
        if (digest) {
            builder.authorization(
                    "digest",
                    (settings.username().get() + ":" + settings.password().orElseThrow())
                            .getBytes(StandardCharsets.UTF_8));
        }
        this.curator = builder.build();
        this.async = AsyncCuratorFramework.wrap(curator);
    }

    private static Optional<Path> configureTls(ZooKeeperSettings settings, ZKClientConfig zk) {
        ClientX509Util x509 = new ClientX509Util();
        zk.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        zk.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        settings.caFile().ifPresent(ca -> {
            zk.setProperty(x509.getSslTruststoreLocationProperty(), ca.toString());
            zk.setProperty(x509.getSslTruststoreTypeProperty(), KeyStoreFileType.PEM.getPropertyValue());
        });
        if (settings.certFile().isEmpty()) {
            return Optional.empty();
        }
        Path combined;
        try {
            combined = Files.createTempFile(
                    "kvstore-zookeeper-",
                    ".pem",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            try {
                combined = Files.createTempFile("kvstore-zookeeper-", ".pem");
            } catch (IOException io) {
                throw new UncheckedIOException("cannot create a temporary file for the TLS key", io);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the TLS key", e);
        }
        try {
            String cert = Files.readString(settings.certFile().get(), StandardCharsets.US_ASCII);
            String key = Files.readString(settings.keyFile().orElseThrow(), StandardCharsets.US_ASCII);
            if (!key.contains("-----BEGIN PRIVATE KEY-----")
                    && !key.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                throw new KvStoreConfigurationException("option " + ZooKeeperOptions.TLS_KEY_FILE
                        + " must be a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert it with"
                        + " openssl pkcs8 -topk8 -nocrypt");
            }
            Files.writeString(combined, cert + (cert.endsWith("\n") ? "" : "\n") + key, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(combined);
            if (e instanceof IOException io) {
                throw new KvStoreConfigurationException(
                        "cannot read " + ZooKeeperOptions.TLS_CERT_FILE + " or " + ZooKeeperOptions.TLS_KEY_FILE + ": "
                                + io.getMessage(),
                        io);
            }
            throw (RuntimeException) e;
        }
        combined.toFile().deleteOnExit();
        zk.setProperty(x509.getSslKeystoreLocationProperty(), combined.toString());
        zk.setProperty(x509.getSslKeystoreTypeProperty(), KeyStoreFileType.PEM.getPropertyValue());
        return Optional.of(combined);
    }

    /** Starts connecting in the background: never blocks, never fails when ZooKeeper is down. */
    void start() {
        curator.start();
    }

    CuratorFramework curator() {
        return curator;
    }

    AsyncCuratorFramework async() {
        return async;
    }

    /** The ACL of a key znode: open, or creator-only with credentials. */
    List<ACL> keyAcl() {
        return keyAcl;
    }

    /** The ACL of a container znode: as {@link #keyAcl()} without {@code WRITE}. */
    List<ACL> containerAcl() {
        return containerAcl;
    }

    /** The most reads in one read-only multi, so that its reply fits the packet limit. */
    int batch() {
        return batch;
    }

    /**
     * The ZooKeeper handle when connected, for the hot paths: a plain call on it (asynchronous, or
     * synchronous inside a blocking call, see {@link ZooKeeperRequests}) skips Curator's
     * per-operation bookkeeping. On a connection problem those paths go on through Curator, which
     * waits for the connection and retries within the timeout.
     */
    ZooKeeper connectedHandle() {
        if (!curator.getZookeeperClient().isConnected()) {
            return null;
        }
        try {
            return curator.getZookeeperClient().getZooKeeper();
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The ZooKeeper handle once connected: at once when it is, otherwise after Curator has waited
     * for the connection (an {@code exists} it retries within the timeout). For requests sent on the
     * handle itself, which Curator would not send again after a connection loss.
     */
    CompletableFuture<ZooKeeper> whenConnected() {
        ZooKeeper zk = connectedHandle();
        if (zk != null) {
            return CompletableFuture.completedFuture(zk);
        }
        return async.checkExists().forPath("/").toCompletableFuture().thenApply(s -> {
            try {
                return curator.getZookeeperClient().getZooKeeper();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public void close() {
        curator.close();
        keyStoreFile.ifPresent(ZooKeeperConnection::deleteQuietly);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
