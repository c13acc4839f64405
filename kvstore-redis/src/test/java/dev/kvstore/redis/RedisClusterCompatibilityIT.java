package dev.kvstore.redis;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.tck.KvStoreCompatibilityKit;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.TestServerExtension;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole conformance kit against a real Redis Cluster: three masters, three replicas on
 * loopback ports. The kit's keys hash all over the 16,384 slots, so every master serves some.
 */
class RedisClusterCompatibilityIT extends KvStoreCompatibilityKit {

    @RegisterExtension
    static final TestServerExtension<RedisClusterServer> CLUSTER = TestServerExtension.of(RedisClusterServer::start);

    @Override
    protected KvStoreConfig config() {
        return KvStoreConfig.builder()
                .storeType("redis-cluster")
                .address(CLUSTER.address())
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return Optional.of(KvStoreConfig.builder()
                .storeType("redis-cluster")
                .address(CLUSTER.unreachableAddress())
                .timeout(Duration.ofSeconds(1))
                .build());
    }
}
