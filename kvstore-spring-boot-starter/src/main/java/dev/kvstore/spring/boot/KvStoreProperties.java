package dev.kvstore.spring.boot;

import dev.kvstore.backend.Backend;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code kvstore.*} properties the {@link Backend} bean is built from.
 *
 * <p>Threads: bound once by Spring at start-up, then only read.
 */
@ConfigurationProperties(prefix = "kvstore")
public class KvStoreProperties {

    /** The store: etcd, redis, zookeeper or memory; its jar (dev.kvstore:kvstore-STORE) must be on the class path. */
    private String storeType;

    /** One or more host:port, comma-separated; for memory, the name of an in-process store. */
    private String address = "";

    /** How long each operation (and each health check) may take. */
    private Duration timeout = Duration.ofSeconds(5);

    /** Put before every key with a "/"; empty for none. */
    private String pathPrefix = "";

    /** How often the Backend checks a silent store, keeping kvstore.alive current. */
    private Duration livenessInterval = Backend.DEFAULT_LIVENESS_INTERVAL;

    /** Store options by name, as the store's documentation lists them. */
    private Map<String, String> options = new LinkedHashMap<>();

    /**
     * Creates the defaults: no storeType, empty address and path prefix, a 5 s timeout, a 30 s
     * liveness interval, no options.
     */
    public KvStoreProperties() {}

    /**
     * The store.
     *
     * @return the storeType, or null if unset
     */
    public String getStoreType() {
        return storeType;
    }

    /**
     * Sets the store.
     *
     * @param storeType such as {@code etcd}
     */
    public void setStoreType(String storeType) {
        this.storeType = storeType;
    }

    /**
     * The address.
     *
     * @return one or more host:port, comma-separated
     */
    public String getAddress() {
        return address;
    }

    /**
     * Sets the address.
     *
     * @param address one or more host:port, comma-separated
     */
    public void setAddress(String address) {
        this.address = address;
    }

    /**
     * The timeout of each operation.
     *
     * @return the timeout
     */
    public Duration getTimeout() {
        return timeout;
    }

    /**
     * Sets the timeout of each operation.
     *
     * @param timeout positive
     */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The path prefix.
     *
     * @return the path prefix; empty for none
     */
    public String getPathPrefix() {
        return pathPrefix;
    }

    /**
     * Sets the path prefix.
     *
     * @param pathPrefix the prefix; empty for none
     */
    public void setPathPrefix(String pathPrefix) {
        this.pathPrefix = pathPrefix;
    }

    /**
     * The liveness interval.
     *
     * @return the interval
     */
    public Duration getLivenessInterval() {
        return livenessInterval;
    }

    /**
     * Sets the liveness interval.
     *
     * @param livenessInterval positive
     */
    public void setLivenessInterval(Duration livenessInterval) {
        this.livenessInterval = livenessInterval;
    }

    /**
     * The store options.
     *
     * @return options by name
     */
    public Map<String, String> getOptions() {
        return options;
    }

    /**
     * Sets the store options.
     *
     * @param options options by name
     */
    public void setOptions(Map<String, String> options) {
        this.options = options;
    }
}
