package dev.kvstore.redis;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.tck.KvStoreCompatibilityKit;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.TestServer;
import dev.kvstore.testing.TestServerExtension;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole conformance kit against one real {@code redis-server}, with the key index on
 * ({@link RedisOptions#KEY_INDEX}): every prefix read, and so every watch's initial state and
 * resync, goes through {@code ZRANGEBYLEX}.
 */
class RedisKeyIndexCompatibilityIT extends KvStoreCompatibilityKit {

    @RegisterExtension
    static final TestServerExtension<RedisServer> REDIS = TestServerExtension.of(RedisServer::startWithoutPersistence);

    @Override
    protected KvStoreConfig config() {
        return KvStoreConfig.builder()
                .storeType("redis")
                .option(RedisOptions.KEY_INDEX, "true")
                .address(REDIS.address())
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return Optional.of(KvStoreConfig.builder()
                .storeType("redis")
                .option(RedisOptions.KEY_INDEX, "true")
                .address(REDIS.unreachableAddress())
                .timeout(Duration.ofSeconds(1))
                .build());
    }

    @Override
    protected Optional<TestServer> server() {
        return Optional.of(REDIS.server());
    }

    @Override
    protected Optional<KvStoreConfig> configVia(String proxyAddress) {
        return Optional.of(config().toBuilder().address(proxyAddress).build());
    }
}
