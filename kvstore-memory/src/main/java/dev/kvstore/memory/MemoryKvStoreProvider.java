package dev.kvstore.memory;

import com.google.auto.service.AutoService;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.spi.KvStoreProvider;

/**
 * Provides storeType {@value #STORE_TYPE}: an in-process store.
 *
 * <p><b>Address.</b> The address names the store, as Pulsar's {@code memory://name} does: every
 * client in the JVM created with the same address (any non-empty string, such as {@code "orders"};
 * it is not parsed as {@code host:port}) shares one store, so two Backends of one test or service
 * see each other's data and watch each other's writes. An <em>empty</em> address makes a private
 * store that only the one client sees.
 *
 * <p><b>Lifetime.</b> A named store's data lives while any client of that name is open: when the
 * last one closes, the store and its data are dropped, and the next client of that name starts
 * empty. A private store's data is dropped when its client closes. Nothing is ever written to disk.
 *
 * <p>Options: see {@link MemoryOptions}.
 */
@AutoService(KvStoreProvider.class)
public final class MemoryKvStoreProvider implements KvStoreProvider {

    /** The storeType. */
    public static final String STORE_TYPE = "memory";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public MemoryKvStoreProvider() {}

    @Override
    public String storeType() {
        return STORE_TYPE;
    }

    /**
     * Creates a client of the in-process store its address names (a new private store for an
     * empty address).
     *
     * @throws dev.kvstore.KvStoreConfigurationException on an unknown option or a limit that is
     *     not a positive number
     */
    @Override
    public KvStoreClient create(KvStoreConfig config) {
        config.requireKnownOptions(MemoryOptions.ALL);
        long limit = config.longOption(MemoryOptions.MAX_VALUE_BYTES, MemoryOptions.DEFAULT_MAX_VALUE_BYTES);
        if (limit <= 0) {
            throw new dev.kvstore.KvStoreConfigurationException(
                    "option " + MemoryOptions.MAX_VALUE_BYTES + " must be positive, got " + limit);
        }
        return new MemoryKvStoreClient(MemoryStore.open(config.address()), limit);
    }
}
