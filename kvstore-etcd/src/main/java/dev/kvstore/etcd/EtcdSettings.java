package dev.kvstore.etcd;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
record EtcdSettings(List<KvStoreConfig.Endpoint> endpoints, Duration timeout, Duration connectTimeout,
        Optional<String> username, Optional<String> password, boolean tls, Optional<Path> caFile,
        Optional<Path> certFile, Optional<Path> keyFile, long maxRequestBytes, long maxValueSize,
        int maxTxnOps) {

    /**
     * Room left in a request for the key (at most {@value dev.kvstore.KvStoreClient#MAX_KEY_BYTES}
     * bytes) and etcd's request header and framing.
     */
    static final long REQUEST_OVERHEAD = 1024;

    /** The smallest {@link EtcdOptions#MAX_REQUEST_BYTES} accepted. */
    static final long MIN_MAX_REQUEST_BYTES = 4096;

    /**
     * Checks and parses a configuration.
     *
     * @param config the configuration
     * @return the settings
     * @throws KvStoreConfigurationException naming the address or option that is wrong
     */
    static EtcdSettings from(KvStoreConfig config) {
        config.requireKnownOptions(EtcdOptions.ALL);
        List<KvStoreConfig.Endpoint> endpoints = config.endpoints();

        Optional<String> username = config.option(EtcdOptions.USERNAME);
        Optional<String> password = config.option(EtcdOptions.PASSWORD);
        if (username.isPresent() != password.isPresent()) {
            throw new KvStoreConfigurationException("options " + EtcdOptions.USERNAME + " and "
                    + EtcdOptions.PASSWORD + " go together: set both or neither");
        }
        if (username.isPresent() && username.get().isEmpty()) {
            throw new KvStoreConfigurationException("option " + EtcdOptions.USERNAME + " must not be empty");
        }

        Optional<Path> caFile = file(config, EtcdOptions.TLS_CA_FILE);
        Optional<Path> certFile = file(config, EtcdOptions.TLS_CERT_FILE);
        Optional<Path> keyFile = file(config, EtcdOptions.TLS_KEY_FILE);
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new KvStoreConfigurationException("options " + EtcdOptions.TLS_CERT_FILE + " and "
                    + EtcdOptions.TLS_KEY_FILE + " go together: set both or neither");
        }
        boolean anyFile = caFile.isPresent() || certFile.isPresent();
        boolean tls = config.booleanOption(EtcdOptions.TLS, anyFile);
        if (!tls && anyFile) {
            throw new KvStoreConfigurationException("option " + EtcdOptions.TLS
                    + " is false but TLS files are set (" + EtcdOptions.TLS_CA_FILE + ", "
                    + EtcdOptions.TLS_CERT_FILE + ", " + EtcdOptions.TLS_KEY_FILE + ")");
        }

        Duration connectTimeout = config.durationOption(EtcdOptions.CONNECT_TIMEOUT, config.timeout());
        if (connectTimeout.isZero() || connectTimeout.isNegative()
                || connectTimeout.toMillis() > Integer.MAX_VALUE) {
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

        return new EtcdSettings(endpoints, config.timeout(), connectTimeout, username, password, tls,
                caFile, certFile, keyFile, maxRequestBytes, maxValueSize, (int) maxTxnOps);
    }

    private static Optional<Path> file(KvStoreConfig config, String option) {
        Optional<String> value = config.option(option);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path path;
        try {
            path = Path.of(value.get());
        } catch (InvalidPathException e) {
            throw new KvStoreConfigurationException("option " + option + " is not a file path: \"" + value.get() + "\"", e);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new KvStoreConfigurationException("option " + option + " names " + path
                    + ", which is not a readable file");
        }
        return Optional.of(path);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "EtcdSettings[endpoints=" + endpoints + ", timeout=" + timeout + ", connectTimeout=" + connectTimeout
                + ", username=" + username.orElse("(none)") + ", password=" + (password.isPresent() ? "****" : "(none)")
                + ", tls=" + tls + ", caFile=" + caFile + ", certFile=" + certFile + ", keyFile=" + keyFile
                + ", maxRequestBytes=" + maxRequestBytes + ", maxValueSize=" + maxValueSize + ", maxTxnOps=" + maxTxnOps
                + "]";
    }
}
