package dev.kvstore.etcd;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.tck.KvStoreCompatibilityKit;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.FreePorts;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole conformance kit against a real etcd. */
class EtcdCompatibilityIT extends KvStoreCompatibilityKit {

    private static EtcdServer etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @Override
    protected KvStoreConfig config() {
        return KvStoreConfig.builder().storeType("etcd").address(etcd.address()).build();
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return Optional.of(KvStoreConfig.builder().storeType("etcd").address("127.0.0.1:" + FreePorts.closedPort())
                .timeout(Duration.ofSeconds(1)).build());
    }
}
