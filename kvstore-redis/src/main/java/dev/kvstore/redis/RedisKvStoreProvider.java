package dev.kvstore.redis;

import com.google.auto.service.AutoService;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.spi.KvStoreProvider;

/**
 * storeType {@code redis}: one Redis server at {@code host:port}. Options are in
 * {@link RedisOptions}. Keys and values are plain Redis strings; Redis keeps no versions, so
 * versions read 0.
 */
@AutoService(KvStoreProvider.class)
public final class RedisKvStoreProvider implements KvStoreProvider {

    /** The storeType this provider serves: {@value}. */
    public static final String STORE_TYPE = "redis";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public RedisKvStoreProvider() {}

    /** {@return {@code "redis"}} */
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
        return new RedisKvStoreClient(RedisSettings.of(config, false));
    }
}
