package dev.kvstore.memory;

import com.google.auto.service.AutoService;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.spi.KvStoreProvider;
import java.util.Set;

/**
 * Provides storeType {@value #STORE_TYPE}: an in-process store. The address names it: every client of the JVM with the same
 * address shares one store, which lives while one of them is open; an empty address is a store of the client
 * alone.
 *
 * <p>Options: {@value #MAX_VALUE_BYTES} (default {@value #DEFAULT_MAX_VALUE_BYTES}), the largest
 * value accepted.
 */
@AutoService(KvStoreProvider.class)
public final class MemoryKvStoreProvider implements KvStoreProvider {

    /** The storeType. */
    public static final String STORE_TYPE = "memory";
    /** Option: the largest value accepted, in bytes. */
    public static final String MAX_VALUE_BYTES = "max-value-bytes";
    /** Default of {@link #MAX_VALUE_BYTES}: 1 MiB. */
    public static final long DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public MemoryKvStoreProvider() {
    }

    @Override
    public String storeType() {
        return STORE_TYPE;
    }

    /**
     * Creates an empty in-process store.
     *
     * @throws dev.kvstore.KvStoreConfigurationException on an unknown option or a limit that is
     *     not a positive number
     */
    @Override
    public KvStoreClient create(KvStoreConfig config) {
        config.requireKnownOptions(Set.of(MAX_VALUE_BYTES));
        long limit = config.longOption(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES);
        if (limit <= 0) {
            throw new dev.kvstore.KvStoreConfigurationException(
                    "option " + MAX_VALUE_BYTES + " must be positive, got " + limit);
        }
        return new MemoryKvStoreClient(config.address(), limit);
    }
}
