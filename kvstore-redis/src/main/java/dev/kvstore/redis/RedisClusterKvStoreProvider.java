package dev.kvstore.redis;

import com.google.auto.service.AutoService;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.spi.KvStoreProvider;

/**
 * storeType {@code redis-cluster}: a Redis Cluster, found through the seed nodes listed in the
 * address ({@code host:port,host:port,...}) and followed through failovers and resharding. The
 * options are {@code redis}'s ({@link RedisOptions}) less {@link RedisOptions#DATABASE}. A
 * transaction's keys must all hash to one slot (use a hash tag, {@code {user42}/...}). Leases and
 * locks work as on {@code redis}, with their bookkeeping kept per slot.
 */
@AutoService(KvStoreProvider.class)
public final class RedisClusterKvStoreProvider implements KvStoreProvider {

    /** The storeType this provider serves: {@value}. */
    public static final String STORE_TYPE = "redis-cluster";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public RedisClusterKvStoreProvider() {}

    /** {@return {@code "redis-cluster"}} */
    @Override
    public String storeType() {
        return STORE_TYPE;
    }

    /**
     * Creates a client; connects in the background, so the cluster being down does not fail this call.
     *
     * @throws dev.kvstore.KvStoreConfigurationException on a malformed address or a bad or unknown option
     */
    @Override
    public KvStoreClient create(KvStoreConfig config) {
        return new RedisKvStoreClient(RedisSettings.ofCluster(config));
    }
}
