package dev.kvstore.memory;

import java.util.Set;

/**
 * The options of storeType {@value MemoryKvStoreProvider#STORE_TYPE}, set with
 * {@link dev.kvstore.KvStoreConfig.Builder#option(String, String)}. Any other option fails the
 * configuration with {@link dev.kvstore.KvStoreConfigurationException}.
 */
public final class MemoryOptions {

    /**
     * The largest value a client accepts, in bytes (default {@value #DEFAULT_MAX_VALUE_BYTES}); a
     * setting of each client, not of the shared store.
     */
    public static final String MAX_VALUE_BYTES = "max-value-bytes";
    /** Default of {@link #MAX_VALUE_BYTES}: 1 MiB. */
    public static final long DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
    /** Every option name above. */
    public static final Set<String> ALL = Set.of(MAX_VALUE_BYTES);

    private MemoryOptions() {}
}
