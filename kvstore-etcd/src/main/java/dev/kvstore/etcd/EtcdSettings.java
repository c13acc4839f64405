package dev.kvstore.etcd;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link KvStoreConfig} checked and parsed for etcd, before anything connects.
 *
 * @param endpoints the {@code host:port} entries of the address
 * @param timeout the timeout of every operation
 * @param connectTimeout the TCP connect timeout
 * @param username the user, if authentication is on
 * @param password the password, if authentication is on
 * @param tls whether to connect with TLS
 * @param caFile the trusted CA certificates, if given
 * @param certFile the client certificate, if given (always with {@code keyFile})
 * @param keyFile the client key, if given (always with {@code certFile})
 * @param maxRequestBytes the server's request limit ({@code --max-request-bytes})
 * @param maxValueSize the largest value sent: at most the request limit minus {@link #REQUEST_OVERHEAD}
 * @param maxTxnOps the server's limit on a transaction ({@code --max-txn-ops})
 */
record EtcdSettings(
        List<KvStoreConfig.Endpoint> endpoints,
        Duration timeout,
        Duration connectTimeout,
        Optional<String> username,
        Optional<String> password,
        boolean tls,
        Optional<Path> caFile,
        Optional<Path> certFile,
        Optional<Path> keyFile,
        long maxRequestBytes,
        long maxValueSize,
        int maxTxnOps) {

    /**
     * Room left in a request for the key (at most {@value dev.kvstore.KvStoreClient#MAX_FULL_KEY_BYTES}
     * bytes) and etcd's request header and framing.
     */
    static final long REQUEST_OVERHEAD = 1024;

    /** The smallest {@link EtcdOptions#MAX_REQUEST_BYTES} accepted. */
    static final long MIN_MAX_REQUEST_BYTES = 4096;

    /**
     * Option names from before every store used one kebab-case vocabulary (ZooKeeper's, and the
     * camelCase forms of etcd's), with what to use instead: they fail with that hint rather than
     * as merely unknown.
     */
    private static final Map<String, String> FORMER_NAMES = Map.of(
            "maxValueSize", EtcdOptions.MAX_VALUE_BYTES,
            "maxValueBytes", EtcdOptions.MAX_VALUE_BYTES,
            "maxRequestBytes", EtcdOptions.MAX_REQUEST_BYTES,
            "maxTxnOps", EtcdOptions.MAX_TXN_OPS,
            "connectTimeout", EtcdOptions.CONNECT_TIMEOUT,
            "tls.trustStore", EtcdOptions.TLS_CA_FILE + " (a PEM file of CA certificates)",
            "tls.keyStore", EtcdOptions.TLS_CERT_FILE + " and " + EtcdOptions.TLS_KEY_FILE + " (PEM files)",
            "tls.trustStorePassword", EtcdOptions.TLS_CA_FILE + " (PEM files need no password)",
            "tls.keyStorePassword", EtcdOptions.TLS_KEY_FILE + " (an unencrypted PKCS#8 PEM key)");

    /**
     * Checks and parses a configuration.
     *
     * @param config the configuration
     * @return the settings
     * @throws KvStoreConfigurationException naming the address or option that is wrong
     */
    static EtcdSettings from(KvStoreConfig config) {
        for (String name : config.options().keySet()) {
            String instead = FORMER_NAMES.get(name);
            if (instead != null) {
                throw new KvStoreConfigurationException("option " + name + " is an old name: use " + instead
                        + " (every store uses the same kebab-case option names)");
            }
        }
        config.requireKnownOptions(EtcdOptions.ALL);
        List<KvStoreConfig.Endpoint> endpoints = config.endpoints();

        config.requireTogether(EtcdOptions.USERNAME, EtcdOptions.PASSWORD);
        Optional<String> username =
                config.isSet(EtcdOptions.USERNAME) ? config.option(EtcdOptions.USERNAME) : Optional.empty();
        Optional<String> password =
                config.isSet(EtcdOptions.PASSWORD) ? config.option(EtcdOptions.PASSWORD) : Optional.empty();

        Optional<Path> caFile = config.fileOption(EtcdOptions.TLS_CA_FILE);
        Optional<Path> certFile = config.fileOption(EtcdOptions.TLS_CERT_FILE);
        Optional<Path> keyFile = config.fileOption(EtcdOptions.TLS_KEY_FILE);
        config.requireTogether(EtcdOptions.TLS_CERT_FILE, EtcdOptions.TLS_KEY_FILE);
        boolean anyFile = caFile.isPresent() || certFile.isPresent();
        boolean tls = config.booleanOption(EtcdOptions.TLS, anyFile);
        if (!tls && anyFile) {
            throw new KvStoreConfigurationException("option " + EtcdOptions.TLS
                    + " is false but TLS files are set (" + EtcdOptions.TLS_CA_FILE + ", "
                    + EtcdOptions.TLS_CERT_FILE + ", " + EtcdOptions.TLS_KEY_FILE + ")");
        }

        Duration connectTimeout = config.durationOption(EtcdOptions.CONNECT_TIMEOUT, config.timeout());
        if (connectTimeout.isZero() || connectTimeout.isNegative() || connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new KvStoreConfigurationException("option " + EtcdOptions.CONNECT_TIMEOUT
                    + " must be positive and under 24 days, got " + connectTimeout);
        }

        long maxRequestBytes = config.longOption(EtcdOptions.MAX_REQUEST_BYTES, EtcdOptions.DEFAULT_MAX_REQUEST_BYTES);
        if (maxRequestBytes < MIN_MAX_REQUEST_BYTES || maxRequestBytes > Integer.MAX_VALUE) {
            throw new KvStoreConfigurationException("option " + EtcdOptions.MAX_REQUEST_BYTES + " must be between "
                    + MIN_MAX_REQUEST_BYTES + " and " + Integer.MAX_VALUE + ", got " + maxRequestBytes);
        }

        long valueLimit = maxRequestBytes - REQUEST_OVERHEAD;
        long maxValueSize = config.longOption(EtcdOptions.MAX_VALUE_BYTES, valueLimit);
        if (maxValueSize < 0 || maxValueSize > valueLimit) {
            throw new KvStoreConfigurationException("option " + EtcdOptions.MAX_VALUE_BYTES + " must be between 0 and "
                    + valueLimit + " (" + EtcdOptions.MAX_REQUEST_BYTES + " minus " + REQUEST_OVERHEAD + "), got "
                    + maxValueSize);
        }

        long maxTxnOps = config.longOption(EtcdOptions.MAX_TXN_OPS, EtcdOptions.DEFAULT_MAX_TXN_OPS);
        if (maxTxnOps < 1 || maxTxnOps > Integer.MAX_VALUE) {
            throw new KvStoreConfigurationException("option " + EtcdOptions.MAX_TXN_OPS + " must be between 1 and "
                    + Integer.MAX_VALUE + ", got " + maxTxnOps);
        }

        return new EtcdSettings(
                endpoints,
                config.timeout(),
                connectTimeout,
                username,
                password,
                tls,
                caFile,
                certFile,
                keyFile,
                maxRequestBytes,
                maxValueSize,
                (int) maxTxnOps);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "EtcdSettings[endpoints=" + endpoints + ", timeout=" + timeout + ", connectTimeout=" + connectTimeout
                + ", username=" + username.orElse("(none)") + ", password="
                + password.map(p -> KvStoreConfig.mask(EtcdOptions.PASSWORD, p)).orElse("(none)")
                + ", tls=" + tls + ", caFile=" + caFile + ", certFile=" + certFile + ", keyFile=" + keyFile
                + ", maxRequestBytes=" + maxRequestBytes + ", maxValueSize=" + maxValueSize + ", maxTxnOps=" + maxTxnOps
                + "]";
    }
}
