package dev.kvstore.zookeeper;

/**
 * Names of the options the {@code zookeeper} store understands, set with
 * {@link dev.kvstore.KvStoreConfig.Builder#option(String, String)}. Any other option name fails at
 * creation with {@link dev.kvstore.KvStoreConfigurationException}.
 */
public final class ZooKeeperOptions {

    /**
     * The znode under which every key lives, default {@value #DEFAULT_ROOT_PATH}: key {@code a/b}
     * is the znode {@code /kvstore/a/b}. {@code /} puts keys at the top of ZooKeeper's tree.
     */
    public static final String ROOT_PATH = "rootPath";

    /** The default {@link #ROOT_PATH}. */
    public static final String DEFAULT_ROOT_PATH = "/kvstore";

    /** ZooKeeper session timeout, a duration ({@code 30s}, {@code PT30S}); default 30 seconds. */
    public static final String SESSION_TIMEOUT = "sessionTimeout";

    /**
     * Digest user name. With {@link #PASSWORD}, the client authenticates with the {@code digest}
     * scheme and creates every znode with a creator-only ACL: other clients can neither read nor
     * change the data.
     */
    public static final String USERNAME = "username";

    /** Digest password; required with {@link #USERNAME}. Never printed. */
    public static final String PASSWORD = "password";

    /** {@code true} to connect with TLS (ZooKeeper's secure client port); default {@code false}. */
    public static final String TLS = "tls";

    /** Trust store (JKS or PKCS12 file) holding the server's CA, for {@link #TLS}. */
    public static final String TLS_TRUST_STORE = "tls.trustStore";

    /** Password of {@link #TLS_TRUST_STORE}. Never printed. */
    public static final String TLS_TRUST_STORE_PASSWORD = "tls.trustStorePassword";

    /** Key store (JKS or PKCS12 file) with the client's certificate, when the server wants one. */
    public static final String TLS_KEY_STORE = "tls.keyStore";

    /** Password of {@link #TLS_KEY_STORE}. Never printed. */
    public static final String TLS_KEY_STORE_PASSWORD = "tls.keyStorePassword";

    /**
     * The largest value in bytes, default {@value #DEFAULT_MAX_VALUE_SIZE} (ZooKeeper's
     * {@code jute.maxbuffer} of 1 MiB less room for the path and the request). Raise it only for
     * servers whose {@code jute.maxbuffer} is raised as well.
     */
    public static final String MAX_VALUE_SIZE = "maxValueSize";

    /** The default {@link #MAX_VALUE_SIZE}: 1020 KiB. */
    public static final long DEFAULT_MAX_VALUE_SIZE = 1020L * 1024;

    private ZooKeeperOptions() {
    }
}
