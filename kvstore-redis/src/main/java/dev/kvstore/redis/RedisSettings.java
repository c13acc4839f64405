package dev.kvstore.redis;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfig.Endpoint;
import dev.kvstore.KvStoreConfigurationException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Redis store's configuration, checked: every option parsed and validated before any
 * connection opens. {@link #toString()} shows no secret.
 */
final class RedisSettings {

    private static final Set<String> COMMON_OPTIONS = Set.of(
            RedisOptions.DATABASE,
            RedisOptions.USERNAME,
            RedisOptions.PASSWORD,
            RedisOptions.TLS,
            RedisOptions.TLS_VERIFY_PEER,
            RedisOptions.TLS_CA_FILE,
            RedisOptions.TLS_CERT_FILE,
            RedisOptions.TLS_KEY_FILE,
            RedisOptions.MAX_VALUE_BYTES,
            RedisOptions.KEY_INDEX);
    private static final Set<String> SENTINEL_OPTIONS = Set.of(
            RedisOptions.DATABASE,
            RedisOptions.USERNAME,
            RedisOptions.PASSWORD,
            RedisOptions.TLS,
            RedisOptions.TLS_VERIFY_PEER,
            RedisOptions.TLS_CA_FILE,
            RedisOptions.TLS_CERT_FILE,
            RedisOptions.TLS_KEY_FILE,
            RedisOptions.MAX_VALUE_BYTES,
            RedisOptions.MASTER_NAME,
            RedisOptions.SENTINEL_PASSWORD,
            RedisOptions.KEY_INDEX);

    /**
     * Names other stores used before the options became one kebab-case vocabulary, and the
     * camel-case spellings of ours: each fails at create with a message naming the option to use.
     */
    static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("maxValueSize", RedisOptions.MAX_VALUE_BYTES),
            Map.entry("maxValueBytes", RedisOptions.MAX_VALUE_BYTES),
            Map.entry("max-value-size", RedisOptions.MAX_VALUE_BYTES),
            Map.entry("masterName", RedisOptions.MASTER_NAME),
            Map.entry("sentinelPassword", RedisOptions.SENTINEL_PASSWORD),
            Map.entry("tlsVerifyPeer", RedisOptions.TLS_VERIFY_PEER),
            Map.entry("tls.trustStore", RedisOptions.TLS_CA_FILE),
            Map.entry("tls.keyStore", RedisOptions.TLS_CERT_FILE),
            Map.entry("tlsCaFile", RedisOptions.TLS_CA_FILE),
            Map.entry("tlsCertFile", RedisOptions.TLS_CERT_FILE),
            Map.entry("tlsKeyFile", RedisOptions.TLS_KEY_FILE),
            Map.entry("db", RedisOptions.DATABASE));

    private final String storeType;
    private final String address;
    private final List<Endpoint> endpoints;
    private final Duration timeout;
    private final boolean sentinel;
    private final boolean cluster;
    private final String masterName;
    private final int database;
    private final Optional<String> username;
    private final Optional<String> password;
    private final Optional<String> sentinelPassword;
    private final boolean tls;
    private final boolean verifyPeer;
    private final Optional<Path> caFile;
    private final Optional<Path> certFile;
    private final Optional<Path> keyFile;
    private final long maxValueBytes;
    private final boolean keyIndex;

    private RedisSettings(KvStoreConfig config, boolean sentinel, boolean cluster) {
        this.storeType = cluster
                ? RedisClusterKvStoreProvider.STORE_TYPE
                : sentinel ? RedisSentinelKvStoreProvider.STORE_TYPE : RedisKvStoreProvider.STORE_TYPE;
        this.sentinel = sentinel;
        this.cluster = cluster;
        for (String name : config.options().keySet()) {
            String renamed = RENAMED.get(name);
            if (renamed != null) {
                throw new KvStoreConfigurationException(
                        "option " + name + " is now called " + renamed + " (storeType " + storeType + ")");
            }
        }
        if (cluster && config.isSet(RedisOptions.DATABASE)) {
            throw new KvStoreConfigurationException("option " + RedisOptions.DATABASE + " does not apply to storeType "
                    + storeType + ": Redis Cluster has only database 0");
        }
        config.requireKnownOptions(sentinel ? SENTINEL_OPTIONS : COMMON_OPTIONS);
        this.address = config.address();
        this.endpoints = config.endpoints();
        if (!sentinel && !cluster && endpoints.size() != 1) {
            throw new KvStoreConfigurationException("storeType redis takes one host:port, got \"" + address
                    + "\"; for several sentinels use storeType redis-sentinel");
        }
        this.timeout = config.timeout();
        long db = config.longOption(RedisOptions.DATABASE, 0);
        if (db < 0 || db > Integer.MAX_VALUE) {
            throw new KvStoreConfigurationException(
                    "option " + RedisOptions.DATABASE + " must be a database index from 0, got " + db);
        }
        this.database = (int) db;
        config.requireWith(RedisOptions.USERNAME, RedisOptions.PASSWORD);
        this.username = config.option(RedisOptions.USERNAME).filter(s -> !s.isEmpty());
        this.password = config.option(RedisOptions.PASSWORD).filter(s -> !s.isEmpty());
        this.sentinelPassword = config.option(RedisOptions.SENTINEL_PASSWORD).filter(s -> !s.isEmpty());
        this.tls = config.booleanOption(RedisOptions.TLS, false);
        this.verifyPeer = config.booleanOption(RedisOptions.TLS_VERIFY_PEER, true);
        this.caFile = tlsFile(config, RedisOptions.TLS_CA_FILE);
        this.certFile = tlsFile(config, RedisOptions.TLS_CERT_FILE);
        this.keyFile = tlsFile(config, RedisOptions.TLS_KEY_FILE);
        config.requireTogether(RedisOptions.TLS_CERT_FILE, RedisOptions.TLS_KEY_FILE);
        this.maxValueBytes = config.longOption(RedisOptions.MAX_VALUE_BYTES, RedisOptions.DEFAULT_MAX_VALUE_BYTES);
        if (maxValueBytes < 1 || maxValueBytes > RedisOptions.REDIS_MAX_VALUE_BYTES) {
            throw new KvStoreConfigurationException("option " + RedisOptions.MAX_VALUE_BYTES
                    + " must be from 1 to " + RedisOptions.REDIS_MAX_VALUE_BYTES + " (Redis's limit), got "
                    + maxValueBytes);
        }
        String master = config.option(RedisOptions.MASTER_NAME)
                .orElse(RedisOptions.DEFAULT_MASTER_NAME)
                .trim();
        if (master.isEmpty()) {
            throw new KvStoreConfigurationException("option " + RedisOptions.MASTER_NAME + " must not be blank");
        }
        this.masterName = master;
        this.keyIndex = config.booleanOption(RedisOptions.KEY_INDEX, false);
        if (cluster && keyIndex) {
            throw new KvStoreConfigurationException("option " + RedisOptions.KEY_INDEX
                    + "=true does not apply to storeType " + storeType
                    + ": the index is one key in one hash slot, and a write cannot update it atomically"
                    + " with keys in other slots; use storeType redis or redis-sentinel for an indexed store");
        }
    }

    /** A TLS file option: needs {@code tls=true}, and the file must be readable now. */
    private Optional<Path> tlsFile(KvStoreConfig config, String option) {
        if (config.isSet(option) && !tls) {
            throw new KvStoreConfigurationException("option " + option + " needs option " + RedisOptions.TLS + "=true");
        }
        return config.fileOption(option);
    }

    /**
     * Checks a configuration for storeType {@code redis} or {@code redis-sentinel}.
     *
     * @throws KvStoreConfigurationException on a malformed address or a bad or unknown option
     */
    static RedisSettings of(KvStoreConfig config, boolean sentinel) {
        return new RedisSettings(config, sentinel, false);
    }

    /**
     * Checks a configuration for storeType {@code redis-cluster}: the address lists seed nodes;
     * the options are {@code redis}'s, less {@link RedisOptions#DATABASE} (a cluster has only 0).
     *
     * @throws KvStoreConfigurationException on a malformed address or a bad or unknown option
     */
    static RedisSettings ofCluster(KvStoreConfig config) {
        return new RedisSettings(config, false, true);
    }

    /** The lettuce URI: one server, or the sentinels with the master's name; for a cluster, the first seed. */
    // Builder.sentinel(host, port, master, password) is deprecated in lettuce 6.x but is the one form
    // that gives the first sentinel its own password (RedisSentinelPasswordIT covers it).
    @SuppressWarnings("deprecation")
    RedisURI toUri() {
        Endpoint first = endpoints.get(0);
        RedisURI.Builder b;
        if (sentinel) {
            b = RedisURI.Builder.sentinel(first.host(), first.port(), masterName, sentinelPassword.orElse(null));
            for (Endpoint e : endpoints.subList(1, endpoints.size())) {
                if (sentinelPassword.isPresent()) {
                    b.withSentinel(e.host(), e.port(), sentinelPassword.get());
                } else {
                    b.withSentinel(e.host(), e.port());
                }
            }
        } else {
            b = RedisURI.Builder.redis(first.host(), first.port());
        }
        return finish(b);
    }

    /** The lettuce URIs of a cluster's seed nodes, each with the credentials and TLS settings. */
    List<RedisURI> seedUris() {
        return endpoints.stream()
                .map(e -> finish(RedisURI.Builder.redis(e.host(), e.port())))
                .toList();
    }

    private RedisURI finish(RedisURI.Builder b) {
        b.withDatabase(database).withTimeout(timeout).withClientName("kvstore");
        if (password.isPresent()) {
            if (username.isPresent()) {
                b.withAuthentication(username.get(), password.get());
            } else {
                b.withPassword(password.get().toCharArray());
            }
        }
        if (tls) {
            b.withSsl(true).withVerifyPeer(verifyPeer ? SslVerifyMode.FULL : SslVerifyMode.NONE);
        }
        return b.build();
    }

    /**
     * lettuce's TLS settings: the trusted CAs ({@link RedisOptions#TLS_CA_FILE}, else the JVM's),
     * the client certificate if any, and a handshake bounded by the timeout (lettuce's default is
     * 10 s).
     */
    SslOptions sslOptions() {
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider().handshakeTimeout(timeout);
        caFile.ifPresent(f -> b.trustManager(f.toFile()));
        if (certFile.isPresent()) {
            b.keyManager(certFile.get().toFile(), keyFile.orElseThrow().toFile(), null);
        }
        return b.build();
    }

    String storeType() {
        return storeType;
    }

    String address() {
        return address;
    }

    Duration timeout() {
        return timeout;
    }

    int database() {
        return database;
    }

    boolean sentinel() {
        return sentinel;
    }

    boolean cluster() {
        return cluster;
    }

    String masterName() {
        return masterName;
    }

    boolean tls() {
        return tls;
    }

    long maxValueBytes() {
        return maxValueBytes;
    }

    /** Whether the key index ({@link RedisOptions#KEY_INDEX}) is kept and read. */
    boolean keyIndex() {
        return keyIndex;
    }

    /** Where this client points, for messages: the address, and the master's name for Sentinel. */
    String describe() {
        if (cluster) {
            return "redis cluster via " + address;
        }
        return sentinel ? "redis master \"" + masterName + "\" via sentinels " + address : "redis at " + address;
    }

    @Override
    public String toString() {
        return "RedisSettings[" + describe() + ", database=" + database + ", user=" + username.orElse("(default)")
                + ", password="
                + password.map(p -> KvStoreConfig.mask(RedisOptions.PASSWORD, p))
                        .orElse("(none)") + ", tls=" + tls
                + (tls
                        ? ", verifyPeer=" + verifyPeer
                                + caFile.map(f -> ", caFile=" + f).orElse("")
                                + certFile.map(f -> ", certFile=" + f).orElse("")
                        : "")
                + ", timeout=" + timeout + ", maxValueBytes=" + maxValueBytes + (keyIndex ? ", keyIndex=true" : "")
                + "]";
    }
}
