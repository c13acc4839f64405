package dev.kvstore.redis;

/**
 * Names and defaults of the options the Redis stores understand, set with
 * {@link dev.kvstore.KvStoreConfig.Builder#option(String, String)}. Any other option is refused
 * with {@link dev.kvstore.KvStoreConfigurationException} before a connection opens.
 */
public final class RedisOptions {

    /** Database index, a whole number from 0 (the default). */
    public static final String DATABASE = "database";

    /** ACL user name (Redis 6+); needs {@link #PASSWORD}. Unset: the default user. */
    public static final String USERNAME = "username";

    /** Password ({@code AUTH}); never printed. */
    public static final String PASSWORD = "password";

    /** {@code true} to connect with TLS; default {@code false}. */
    public static final String TLS = "tls";

    /**
     * With {@link #TLS}: {@code true} (default) to verify the server's certificate and host name
     * against the JVM's trust store, {@code false} to accept any certificate (tests only).
     */
    public static final String TLS_VERIFY_PEER = "tls-verify-peer";

    /**
     * With {@link #TLS}: a PEM file of the certificate authorities to trust instead of the JVM's
     * trust store (a private CA). The file must exist when the client is created.
     */
    public static final String TLS_CA_FILE = "tls-ca-file";

    /**
     * With {@link #TLS}: a PEM file with the client's certificate (chain), for a Redis that asks for
     * one ({@code tls-auth-clients yes}); needs {@link #TLS_KEY_FILE}.
     */
    public static final String TLS_CERT_FILE = "tls-cert-file";

    /** With {@link #TLS_CERT_FILE}: the client's private key, an unencrypted PKCS#8 PEM file. */
    public static final String TLS_KEY_FILE = "tls-key-file";

    /** storeType {@code redis-sentinel} only: the monitored master's name; default {@value #DEFAULT_MASTER_NAME}. */
    public static final String MASTER_NAME = "master-name";

    /** storeType {@code redis-sentinel} only: password of the sentinels themselves, when they ask for one. */
    public static final String SENTINEL_PASSWORD = "sentinel-password";

    /**
     * The largest value, in bytes, the client sends; larger values fail before anything is sent.
     * From 1 to {@link #REDIS_MAX_VALUE_BYTES}; default {@link #DEFAULT_MAX_VALUE_BYTES}.
     */
    public static final String MAX_VALUE_BYTES = "max-value-bytes";

    /**
     * {@code true} to keep a sorted-set index of the keys ({@code \0kv:index}) and read prefixes
     * ({@code list}, {@code listKeys}, {@code deleteWithPrefix}, and so every watch's initial state
     * and resync) from it: {@code ZRANGEBYLEX}, whose cost grows with the prefix's keys, not with the
     * database as {@code SCAN}'s does. Default {@code false}. StoreTypes {@code redis} and
     * {@code redis-sentinel}; {@code redis-cluster} refuses it (an index in one hash slot cannot be
     * updated atomically with keys in other slots).
     *
     * <p>Every write and delete of a client with this option updates the index in the same atomic
     * step (puts, deletes, transactions, leased puts, a lease's revoke and keep-alive, the bulk
     * operations, {@code deleteWithPrefix}); a leased key that expires (Redis runs no script then)
     * leaves the index at the next read that finds it gone. <b>The trade-off:</b> keys written by a
     * client without this option, or by {@code redis-cli}, are not in the index, so prefix reads of
     * a client with the option do not see them (a {@code get} does) until {@code kvctl reindex}
     * builds or repairs the index from a {@code SCAN}. Give every client of a database the same
     * setting.
     */
    public static final String KEY_INDEX = "key-index";

    /** The master name the Go library this follows hard-coded, kept as the default so its users drop in. */
    public static final String DEFAULT_MASTER_NAME = "sebaRedis";

    /** Redis's own ceiling for a string value ({@code proto-max-bulk-len}'s default): 512 MiB. */
    public static final long REDIS_MAX_VALUE_BYTES = 512L * 1024 * 1024;

    /**
     * Default value limit: 16 MiB. Lower than Redis's 512 MiB on purpose: every command shares one
     * pipelined connection, so a huge value holds up every other operation (and blocks Redis's
     * single thread) while it is sent, and each write must still finish within the timeout. 16 MiB
     * takes about 1.3 s on a 100 Mbit/s link, well inside the 5 s default timeout; raise it with
     * this option when you need more.
     */
    public static final long DEFAULT_MAX_VALUE_BYTES = 16L * 1024 * 1024;

    private RedisOptions() {}
}
