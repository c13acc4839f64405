package dev.kvstore.zookeeper;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Names of the options the {@code zookeeper} store understands, set with
 * {@link dev.kvstore.KvStoreConfig.Builder#option(String, String)}, and their defaults. Any other
 * option name fails at creation with {@link dev.kvstore.KvStoreConfigurationException}; a name
 * used by earlier versions ({@link #RENAMED}) fails with a message naming its replacement.
 */
public final class ZooKeeperOptions {

    /**
     * The znode under which every key lives, default {@value #DEFAULT_ROOT_PATH}: key {@code a/b}
     * is the znode {@code /kvstore/a/b}. {@code /} puts keys at the top of ZooKeeper's tree.
     */
    public static final String ROOT_PATH = "root-path";

    /** The default {@link #ROOT_PATH}. */
    public static final String DEFAULT_ROOT_PATH = "/kvstore";

    /**
     * ZooKeeper session timeout, a duration ({@code 10s}, {@code PT10S}); default 10 seconds, the
     * default TTL of locks. The server clamps it to between 2 and 20 of its ticks. Leased keys are
     * ephemeral znodes of the session: the server deletes them a session timeout after it last
     * heard from a client that died or was cut off, whatever the lease's TTL, so set this to the
     * TTL your leases use (see the module README).
     */
    public static final String SESSION_TIMEOUT = "session-timeout";

    /** The default {@link #SESSION_TIMEOUT}: 10 seconds. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Digest user name; needs {@link #PASSWORD}. The client then authenticates with the
     * {@code digest} scheme and creates every znode with a creator-only ACL: other clients can
     * neither read nor change the data.
     */
    public static final String USERNAME = "username";

    /** Digest password; needs {@link #USERNAME}. Never printed. */
    public static final String PASSWORD = "password";

    /**
     * {@code true} to connect with TLS (ZooKeeper's secure client port, Netty client socket, the
     * JDK's TLS provider). Defaults to {@code true} when any {@code tls-*-file} option is set; with
     * no CA file the JVM's trusted certificates are used.
     */
    public static final String TLS = "tls";

    /** PEM file of the certificate authorities that sign the servers' certificates. */
    public static final String TLS_CA_FILE = "tls-ca-file";

    /** PEM file of the client certificate (chain) for mutual TLS; needs {@link #TLS_KEY_FILE}. */
    public static final String TLS_CERT_FILE = "tls-cert-file";

    /**
     * PEM file of the client's unencrypted private key (PKCS#8 {@code BEGIN PRIVATE KEY}) for mutual
     * TLS; needs {@link #TLS_CERT_FILE}.
     */
    public static final String TLS_KEY_FILE = "tls-key-file";

    /**
     * The largest value in bytes, default {@value #DEFAULT_MAX_VALUE_BYTES} (ZooKeeper's
     * {@code jute.maxbuffer} of 1 MiB less room for the path and the request). Raise it only for
     * servers whose {@code jute.maxbuffer} is raised as well.
     */
    public static final String MAX_VALUE_BYTES = "max-value-bytes";

    /** The default {@link #MAX_VALUE_BYTES}: 1020 KiB. */
    public static final long DEFAULT_MAX_VALUE_BYTES = 1020L * 1024;

    /** Every option name above. */
    public static final Set<String> ALL = Set.of(
            ROOT_PATH,
            SESSION_TIMEOUT,
            USERNAME,
            PASSWORD,
            TLS,
            TLS_CA_FILE,
            TLS_CERT_FILE,
            TLS_KEY_FILE,
            MAX_VALUE_BYTES);

    /** Option names of earlier versions, each with what replaces it; using one fails at creation. */
    public static final Map<String, String> RENAMED = Map.of(
            "rootPath", ROOT_PATH,
            "sessionTimeout", SESSION_TIMEOUT,
            "maxValueSize", MAX_VALUE_BYTES,
            "tls.trustStore", TLS_CA_FILE + " (a PEM file of CA certificates)",
            "tls.trustStorePassword", TLS_CA_FILE + " (a PEM file, which needs no password)",
            "tls.keyStore", TLS_CERT_FILE + " and " + TLS_KEY_FILE + " (PEM files)",
            "tls.keyStorePassword", TLS_KEY_FILE + " (an unencrypted PEM key, which needs no password)");

    private ZooKeeperOptions() {}
}
