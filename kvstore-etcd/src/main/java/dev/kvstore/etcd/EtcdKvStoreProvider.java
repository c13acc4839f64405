package dev.kvstore.etcd;

import com.google.auto.service.AutoService;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.spi.KvStoreProvider;
import java.util.Objects;

/**
 * The {@code etcd} store (etcd v3 API, through jetcd). Address: one or more {@code host:port}
 * of the cluster's client endpoints, comma-separated. Options: {@link EtcdOptions}.
 *
 * <p>Keys are stored as their UTF-8 bytes, values as given. Versions are etcd's per-key
 * {@code version}; watches deliver every write and resume by revision after a lost connection.
 */
@AutoService(KvStoreProvider.class)
public final class EtcdKvStoreProvider implements KvStoreProvider {

    /** The storeType this provider serves: {@value}. */
    public static final String STORE_TYPE = "etcd";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public EtcdKvStoreProvider() {}

    /**
     * The storeType {@value #STORE_TYPE}.
     *
     * @return {@value #STORE_TYPE}
     */
    @Override
    public String storeType() {
        return STORE_TYPE;
    }

    /**
     * Creates a client after checking the address and options. Opens no connection: the first
     * operation does, so an etcd that is down does not fail this call.
     *
     * @param config an {@code etcd} configuration
     * @return a new client, which the caller closes
     * @throws dev.kvstore.KvStoreConfigurationException if the address or an option is wrong
     */
    @Override
    public KvStoreClient create(KvStoreConfig config) {
        Objects.requireNonNull(config, "config");
        return new EtcdKvStoreClient(EtcdSettings.from(config));
    }
}
