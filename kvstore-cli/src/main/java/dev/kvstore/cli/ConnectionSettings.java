package dev.kvstore.cli;

import dev.kvstore.KvStoreConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a command connects: the resolved connection options (flags, environment, configuration file,
 * defaults).
 *
 * @param storeType  the storeType, e.g. {@code memory}, {@code etcd}
 * @param address    {@code host:port[,host:port...]}; empty for {@code memory}
 * @param pathPrefix the Backend's path prefix; empty for none
 * @param timeout    the timeout of each operation
 * @param options    store options
 */
record ConnectionSettings(
        String storeType, String address, String pathPrefix, Duration timeout, Map<String, String> options) {

    ConnectionSettings {
        Objects.requireNonNull(storeType, "storeType");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        Objects.requireNonNull(timeout, "timeout");
        options = Map.copyOf(options);
    }

    /**
     * The store's part of these settings, as the Backend takes it.
     *
     * @throws dev.kvstore.KvStoreConfigurationException for a blank storeType or a timeout that is not positive
     */
    KvStoreConfig config() {
        return KvStoreConfig.builder()
                .storeType(storeType)
                .address(address)
                .timeout(timeout)
                .options(options)
                .build();
    }

    /** For messages: storeType, address and path prefix, never an option value. */
    String describe() {
        StringBuilder b = new StringBuilder(storeType);
        if (!address.isEmpty()) {
            b.append(" at ").append(address);
        }
        if (!pathPrefix.isEmpty()) {
            b.append(" (path prefix \"").append(pathPrefix).append("\")");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        options.forEach((k, v) -> shown.put(k, KvStoreConfig.mask(k, v)));
        return "ConnectionSettings[" + describe() + ", timeout=" + timeout + ", options=" + shown + "]";
    }
}
