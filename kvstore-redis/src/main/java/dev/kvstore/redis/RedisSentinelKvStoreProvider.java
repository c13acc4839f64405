package dev.kvstore.redis;

import com.google.auto.service.AutoService;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.spi.KvStoreProvider;

/**
 * storeType {@code redis-sentinel}: the master that Sentinel names, found through the sentinels
 * listed in the address ({@code host:port,host:port,...}) and followed after a failover. The
 * master's name is option {@link RedisOptions#MASTER_NAME} (default
 * {@value RedisOptions#DEFAULT_MASTER_NAME}); the other options are in {@link RedisOptions}.
 */
@AutoService(KvStoreProvider.class)
public final class RedisSentinelKvStoreProvider implements KvStoreProvider {

    /** The storeType this provider serves: {@value}. */
    public static final String STORE_TYPE = "redis-sentinel";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public RedisSentinelKvStoreProvider() {}

    /** {@return {@code "redis-sentinel"}} */
    @Override
    public String storeType() {
        return STORE_TYPE;
    }

    /**
     * Creates a client; connects in the background, so Redis being down does not fail this call.
     *
     * @throws dev.kvstore.KvStoreConfigurationException on a malformed address or a bad or unknown option
     */
    @Override
    public KvStoreClient create(KvStoreConfig config) {
        return new RedisKvStoreClient(RedisSettings.of(config, true));
    }
}
