package dev.kvstore.zookeeper;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.tck.KvStoreCompatibilityKit;
import dev.kvstore.testing.FreePorts;
import dev.kvstore.testing.ZooKeeperServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole conformance kit against a real ZooKeeper. */
class ZooKeeperCompatibilityIT extends KvStoreCompatibilityKit {

    private static ZooKeeperServer server;

    @BeforeAll
    static void start() {
        server = ZooKeeperServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected KvStoreConfig config() {
        return KvStoreConfig.builder().storeType("zookeeper").address(server.address())
                .timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return Optional.of(KvStoreConfig.builder().storeType("zookeeper")
                .address("127.0.0.1:" + FreePorts.closedPort()).timeout(Duration.ofSeconds(1)).build());
    }
}
