package dev.kvstore.spi;

import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;

/**
 * A stateless factory of clients for one storeType, found with {@link java.util.ServiceLoader}.
 * Register implementations with {@code @AutoService(KvStoreProvider.class)}; they need a public
 * no-argument constructor.
 */
public interface KvStoreProvider {

    /**
     * The storeType this provider serves: unique on the class path, lowercase and stable, such
     * as {@code "etcd"}.
     *
     * @return the storeType
     */
    String storeType();

    /**
     * Creates a client. Checks the configuration first and fails on a malformed address or option
     * before opening anything. Does not fail because the store is down: the client then fails its
     * operations with {@link dev.kvstore.KvStoreUnavailableException} until the store answers.
     *
     * @param config the configuration; its storeType is this provider's
     * @return a new client, owned by the caller, who closes it
     * @throws dev.kvstore.KvStoreConfigurationException if the configuration cannot work
     */
    KvStoreClient create(KvStoreConfig config);
}
