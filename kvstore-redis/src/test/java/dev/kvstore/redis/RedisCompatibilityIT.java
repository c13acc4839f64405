package dev.kvstore.redis;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.tck.KvStoreCompatibilityKit;
import dev.kvstore.testing.FreePorts;
import dev.kvstore.testing.RedisServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole conformance kit against one real {@code redis-server}. */
class RedisCompatibilityIT extends KvStoreCompatibilityKit {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startWithoutPersistence();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected KvStoreConfig config() {
        return KvStoreConfig.builder().storeType("redis").address(redis.address()).timeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return Optional.of(KvStoreConfig.builder().storeType("redis").address("127.0.0.1:" + FreePorts.closedPort())
                .timeout(Duration.ofSeconds(1)).build());
    }
}
