package dev.kvstore.redis;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.tck.KvStoreCompatibilityKit;
import dev.kvstore.testing.FreePorts;
import dev.kvstore.testing.RedisSentinelCluster;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole conformance kit through Sentinel: a master, one replica and three sentinels on
 * loopback ports. The master is named {@code sebaRedis}, the default, so no option is needed.
 */
class RedisSentinelCompatibilityIT extends KvStoreCompatibilityKit {

    private static RedisSentinelCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisSentinelCluster.start(RedisOptions.DEFAULT_MASTER_NAME);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected KvStoreConfig config() {
        return KvStoreConfig.builder().storeType("redis-sentinel").address(cluster.sentinelAddress())
                .timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return Optional.of(KvStoreConfig.builder().storeType("redis-sentinel")
                .address("127.0.0.1:" + FreePorts.closedPort() + ",127.0.0.1:" + FreePorts.closedPort())
                .timeout(Duration.ofSeconds(1)).build());
    }
}
