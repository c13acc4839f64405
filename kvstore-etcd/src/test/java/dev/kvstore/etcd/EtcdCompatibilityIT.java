package dev.kvstore.etcd;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.tck.KvStoreCompatibilityKit;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.TestServer;
import dev.kvstore.testing.TestServerExtension;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole conformance kit against a real etcd. */
class EtcdCompatibilityIT extends KvStoreCompatibilityKit {

    @RegisterExtension
    static final TestServerExtension<EtcdServer> ETCD = TestServerExtension.of(EtcdServer::start);

    @Override
    protected KvStoreConfig config() {
        return KvStoreConfig.builder().storeType("etcd").address(ETCD.address()).build();
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return Optional.of(KvStoreConfig.builder()
                .storeType("etcd")
                .address(ETCD.unreachableAddress())
                .timeout(Duration.ofSeconds(1))
                .build());
    }

    @Override
    protected Optional<TestServer> server() {
        return Optional.of(ETCD.server());
    }

    @Override
    protected Optional<KvStoreConfig> configVia(String proxyAddress) {
        return Optional.of(config().toBuilder().address(proxyAddress).build());
    }
}
