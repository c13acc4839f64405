package dev.kvstore.zookeeper;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link KvStoreConfig} checked and parsed for ZooKeeper, before anything connects.
 *
 * @param connectString the address as a ZooKeeper connect string
 * @param timeout the timeout of every operation
 * @param sessionTimeout the session timeout asked of the server
 * @param paths the key to znode mapping under the root path
 * @param username the digest user, if set
 * @param password the digest password, if set (always with {@code username})
 * @param tls whether to connect with TLS
 * @param caFile the trusted CA certificates (PEM), if given
 * @param certFile the client certificate (PEM), if given (always with {@code keyFile})
 * @param keyFile the client key (PKCS#8 PEM), if given (always with {@code certFile})
 * @param maxValueSize the largest value, in bytes
 */
record ZooKeeperSettings(
        String connectString,
        Duration timeout,
        Duration sessionTimeout,
        KeyPaths paths,
        Optional<String> username,
        Optional<String> password,
        boolean tls,
        Optional<Path> caFile,
        Optional<Path> certFile,
        Optional<Path> keyFile,
        long maxValueSize) {

    /**
     * Checks and parses a configuration.
     *
     * @throws KvStoreConfigurationException naming the setting that is wrong
     */
    static ZooKeeperSettings of(KvStoreConfig config) {
        for (Map.Entry<String, String> renamed : ZooKeeperOptions.RENAMED.entrySet()) {
            if (config.options().containsKey(renamed.getKey())) {
                throw new KvStoreConfigurationException("option " + renamed.getKey()
                        + " is no longer supported by the zookeeper store: use " + renamed.getValue());
            }
        }
        config.requireKnownOptions(ZooKeeperOptions.ALL);
        StringBuilder connect = new StringBuilder();
        for (KvStoreConfig.Endpoint e : config.endpoints()) {
            connect.append(connect.length() == 0 ? "" : ",").append(e);
        }
        Duration session =
                config.durationOption(ZooKeeperOptions.SESSION_TIMEOUT, ZooKeeperOptions.DEFAULT_SESSION_TIMEOUT);
        if (session.toMillis() < 1 || session.toMillis() > Integer.MAX_VALUE) {
            throw new KvStoreConfigurationException("option " + ZooKeeperOptions.SESSION_TIMEOUT
                    + " must be between 1ms and " + Integer.MAX_VALUE + "ms, got " + session);
        }
        if (config.timeout().toMillis() > Integer.MAX_VALUE) {
            throw new KvStoreConfigurationException(
                    "timeout must be at most " + Integer.MAX_VALUE + "ms for ZooKeeper, got " + config.timeout());
        }
        String root = config.option(ZooKeeperOptions.ROOT_PATH)
                .orElse(ZooKeeperOptions.DEFAULT_ROOT_PATH)
                .trim();
        KeyPaths paths;
        try {
            paths = new KeyPaths(root);
        } catch (IllegalArgumentException e) {
            throw new KvStoreConfigurationException(
                    "option " + ZooKeeperOptions.ROOT_PATH + " must be an absolute znode path such as /kvstore, got \""
                            + root + "\": " + e.getMessage(),
                    e);
        }
        config.requireTogether(ZooKeeperOptions.USERNAME, ZooKeeperOptions.PASSWORD);
        Optional<String> user = config.option(ZooKeeperOptions.USERNAME);
        Optional<String> password = config.option(ZooKeeperOptions.PASSWORD);
        if (user.isPresent() && (user.get().isEmpty() || user.get().indexOf(':') >= 0)) {
            throw new KvStoreConfigurationException(
                    "option " + ZooKeeperOptions.USERNAME + " must be non-empty and hold no ':'");
        }
        config.requireTogether(ZooKeeperOptions.TLS_CERT_FILE, ZooKeeperOptions.TLS_KEY_FILE);
        Optional<Path> caFile = config.fileOption(ZooKeeperOptions.TLS_CA_FILE);
        Optional<Path> certFile = config.fileOption(ZooKeeperOptions.TLS_CERT_FILE);
        Optional<Path> keyFile = config.fileOption(ZooKeeperOptions.TLS_KEY_FILE);
        boolean anyFile = caFile.isPresent() || certFile.isPresent();
        boolean tls = config.booleanOption(ZooKeeperOptions.TLS, anyFile);
        if (!tls && anyFile) {
            throw new KvStoreConfigurationException("option " + ZooKeeperOptions.TLS
                    + " is false but TLS files are set (" + ZooKeeperOptions.TLS_CA_FILE + ", "
                    + ZooKeeperOptions.TLS_CERT_FILE + ", " + ZooKeeperOptions.TLS_KEY_FILE + ")");
        }
        long maxValue = config.longOption(ZooKeeperOptions.MAX_VALUE_BYTES, ZooKeeperOptions.DEFAULT_MAX_VALUE_BYTES);
        if (maxValue < 1 || maxValue > Integer.MAX_VALUE - 65536) {
            throw new KvStoreConfigurationException("option " + ZooKeeperOptions.MAX_VALUE_BYTES
                    + " must be a positive number of bytes below 2 GiB, got " + maxValue);
        }
        return new ZooKeeperSettings(
                connect.toString(),
                config.timeout(),
                session,
                paths,
                user,
                password,
                tls,
                caFile,
                certFile,
                keyFile,
                maxValue);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "ZooKeeperSettings[" + connectString + ", root=" + paths.root() + ", timeout=" + timeout
                + ", sessionTimeout=" + sessionTimeout + ", username=" + username.orElse("(none)")
                + ", password=" + (password.isPresent() ? "****" : "(none)") + ", tls=" + tls + ", caFile="
                + caFile + ", certFile=" + certFile + ", keyFile=" + keyFile + ", maxValueSize=" + maxValueSize + "]";
    }
}
