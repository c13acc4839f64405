package dev.kvstore.redis;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.tck.KvStoreCompatibilityKit;
import dev.kvstore.testing.RedisSentinelCluster;
import dev.kvstore.testing.TestServer;
import dev.kvstore.testing.TestServerExtension;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole conformance kit through Sentinel: a master, one replica and three sentinels on
 * loopback ports. The master is named {@code sebaRedis}, the default, so no option is needed.
 */
class RedisSentinelCompatibilityIT extends KvStoreCompatibilityKit {

    @RegisterExtension
    static final TestServerExtension<RedisSentinelCluster> SENTINEL =
            TestServerExtension.of(() -> RedisSentinelCluster.start(RedisOptions.DEFAULT_MASTER_NAME));

    @Override
    protected KvStoreConfig config() {
        return KvStoreConfig.builder()
                .storeType("redis-sentinel")
                .address(SENTINEL.address())
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return Optional.of(KvStoreConfig.builder()
                .storeType("redis-sentinel")
                .address(SENTINEL.unreachableAddress())
                .timeout(Duration.ofSeconds(1))
                .build());
    }

    /**
     * The Redis server that is the master when the kit acts on it: a frozen or stopped master is
     * replaced by the sentinels (about 1 s), so these cases also cover a failover under a watch.
     */
    @Override
    protected Optional<TestServer> server() {
        return Optional.of(SENTINEL.server());
    }
}
