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

    /**
     * The session timeout the kit runs with: close to the kit's lease TTL (3 s), as the README
     * advises for leases, rather than the default 10 s; a dead or cut-off holder's keys go a session
     * timeout after the server last heard from it.
     */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(5);

    /** The kit's configuration for a server (also used by {@link ZooKeeperBlockingCompatibilityIT}). */
    static KvStoreConfig config(TestServerExtension<ZooKeeperServer> server) {
        return KvStoreConfig.builder()
                .storeType("zookeeper")
                .address(server.address())
                .timeout(Duration.ofSeconds(5))
                .option(ZooKeeperOptions.SESSION_TIMEOUT, SESSION_TIMEOUT.toSeconds() + "s")
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

    /** A dead holder's keys go with its session: the session timeout, not the TTL (README, Leases). */
    @Override
    protected Duration leaseExpiry(Duration ttl) {
        return ttl.compareTo(SESSION_TIMEOUT) > 0 ? ttl : SESSION_TIMEOUT;
    }

    @Override
    protected Optional<KvStoreConfig> configVia(String proxyAddress) {
        return Optional.of(config().toBuilder().address(proxyAddress).build());
    }
}
