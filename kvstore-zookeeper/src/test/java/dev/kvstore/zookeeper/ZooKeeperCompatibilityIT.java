package dev.kvstore.zookeeper;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.tck.KvStoreCompatibilityKit;
import dev.kvstore.testing.TestServer;
import dev.kvstore.testing.TestServerExtension;
import dev.kvstore.testing.ZooKeeperServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole conformance kit against a real ZooKeeper. */
class ZooKeeperCompatibilityIT extends KvStoreCompatibilityKit {

    @RegisterExtension
    static final TestServerExtension<ZooKeeperServer> ZOOKEEPER = TestServerExtension.of(ZooKeeperServer::start);

    @Override
    protected KvStoreConfig config() {
        return config(ZOOKEEPER);
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return unreachableConfig(ZOOKEEPER);
    }

    /** The kit's configuration for a server (also used by {@link ZooKeeperBlockingCompatibilityIT}). */
    static KvStoreConfig config(TestServerExtension<ZooKeeperServer> server) {
        return KvStoreConfig.builder()
                .storeType("zookeeper")
                .address(server.address())
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    /** A configuration naming a closed port of that server's extension. */
    static Optional<KvStoreConfig> unreachableConfig(TestServerExtension<ZooKeeperServer> server) {
        return Optional.of(KvStoreConfig.builder()
                .storeType("zookeeper")
                .address(server.unreachableAddress())
                .timeout(Duration.ofSeconds(1))
                .build());
    }

    @Override
    protected Optional<TestServer> server() {
        return Optional.of(ZOOKEEPER.server());
    }

    /** A dead holder's keys go with its session: the default session-timeout of 10 s, not the TTL (README, Leases). */
    @Override
    protected Duration leaseExpiry(Duration ttl) {
        return ttl.compareTo(Duration.ofSeconds(10)) > 0 ? ttl : Duration.ofSeconds(10);
    }

    @Override
    protected Optional<KvStoreConfig> configVia(String proxyAddress) {
        return Optional.of(config().toBuilder().address(proxyAddress).build());
    }
}
