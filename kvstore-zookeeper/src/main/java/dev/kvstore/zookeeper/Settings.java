package dev.kvstore.zookeeper;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** A {@link KvStoreConfig} checked and parsed for ZooKeeper, before anything connects. */
record Settings(
        String connectString,
        Duration timeout,
        Duration sessionTimeout,
        KeyPaths paths,
        Optional<String> username,
        Optional<String> password,
        boolean tls,
        Optional<String> trustStore,
        Optional<String> trustStorePassword,
        Optional<String> keyStore,
        Optional<String> keyStorePassword,
        long maxValueSize) {

    static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);

    private static final Set<String> KNOWN = Set.of(ZooKeeperOptions.ROOT_PATH, ZooKeeperOptions.SESSION_TIMEOUT,
            ZooKeeperOptions.USERNAME, ZooKeeperOptions.PASSWORD, ZooKeeperOptions.TLS,
            ZooKeeperOptions.TLS_TRUST_STORE, ZooKeeperOptions.TLS_TRUST_STORE_PASSWORD,
            ZooKeeperOptions.TLS_KEY_STORE, ZooKeeperOptions.TLS_KEY_STORE_PASSWORD,
            ZooKeeperOptions.MAX_VALUE_SIZE);

    /**
     * Checks and parses a configuration.
     *
     * @throws KvStoreConfigurationException naming the setting that is wrong
     */
    static Settings of(KvStoreConfig config) {
        config.requireKnownOptions(KNOWN);
        StringBuilder connect = new StringBuilder();
        for (KvStoreConfig.Endpoint e : config.endpoints()) {
            connect.append(connect.length() == 0 ? "" : ",").append(e);
        }
        Duration session = config.durationOption(ZooKeeperOptions.SESSION_TIMEOUT, DEFAULT_SESSION_TIMEOUT);
        if (session.toMillis() < 1 || session.toMillis() > Integer.MAX_VALUE) {
            throw new KvStoreConfigurationException("option " + ZooKeeperOptions.SESSION_TIMEOUT
                    + " must be between 1ms and " + Integer.MAX_VALUE + "ms, got " + session);
        }
        if (config.timeout().toMillis() > Integer.MAX_VALUE) {
            throw new KvStoreConfigurationException("timeout must be at most " + Integer.MAX_VALUE
                    + "ms for ZooKeeper, got " + config.timeout());
        }
        String root = config.option(ZooKeeperOptions.ROOT_PATH).orElse(ZooKeeperOptions.DEFAULT_ROOT_PATH).trim();
        KeyPaths paths;
        try {
            paths = new KeyPaths(root);
        } catch (IllegalArgumentException e) {
            throw new KvStoreConfigurationException("option " + ZooKeeperOptions.ROOT_PATH
                    + " must be an absolute znode path such as /kvstore, got \"" + root + "\": " + e.getMessage(), e);
        }
        Optional<String> user = config.option(ZooKeeperOptions.USERNAME);
        Optional<String> password = config.option(ZooKeeperOptions.PASSWORD);
        if (user.isPresent() != password.isPresent()) {
            throw new KvStoreConfigurationException("options " + ZooKeeperOptions.USERNAME + " and "
                    + ZooKeeperOptions.PASSWORD + " go together; only one is set");
        }
        if (user.isPresent() && (user.get().isEmpty() || user.get().indexOf(':') >= 0)) {
            throw new KvStoreConfigurationException("option " + ZooKeeperOptions.USERNAME
                    + " must be non-empty and hold no ':'");
        }
        boolean tls = config.booleanOption(ZooKeeperOptions.TLS, false);
        Optional<String> trustStore = file(config, ZooKeeperOptions.TLS_TRUST_STORE);
        Optional<String> keyStore = file(config, ZooKeeperOptions.TLS_KEY_STORE);
        if (!tls && (trustStore.isPresent() || keyStore.isPresent())) {
            throw new KvStoreConfigurationException("TLS stores are set but option " + ZooKeeperOptions.TLS
                    + " is not true");
        }
        long maxValue = config.longOption(ZooKeeperOptions.MAX_VALUE_SIZE, ZooKeeperOptions.DEFAULT_MAX_VALUE_SIZE);
        if (maxValue < 1 || maxValue > Integer.MAX_VALUE - 65536) {
            throw new KvStoreConfigurationException("option " + ZooKeeperOptions.MAX_VALUE_SIZE
                    + " must be a positive number of bytes below 2 GiB, got " + maxValue);
        }
        return new Settings(connect.toString(), config.timeout(), session, paths, user, password, tls,
                trustStore, config.option(ZooKeeperOptions.TLS_TRUST_STORE_PASSWORD), keyStore,
                config.option(ZooKeeperOptions.TLS_KEY_STORE_PASSWORD), maxValue);
    }

    private static Optional<String> file(KvStoreConfig config, String option) {
        Optional<String> value = config.option(option);
        if (value.isPresent() && !Files.isReadable(Path.of(value.get()))) {
            throw new KvStoreConfigurationException("option " + option + ": cannot read file \"" + value.get() + "\"");
        }
        return value;
    }

    /** Hides the passwords. */
    @Override
    public String toString() {
        return "Settings[" + connectString + ", root=" + paths.root() + ", user=" + username.orElse("-")
                + ", tls=" + tls + "]";
    }
}
