package dev.kvstore.tck;

import dev.kvstore.KvStoreClient;

/**
 * The kvstore contract ({@code docs/CONTRACT.md} in the repository) as tests. Each {@code @Nested}
 * group's display name starts with the number of the section it checks, such as "§4 Hostile keys";
 * a failure in the JUnit report names the section broken. A store proves itself with a subclass
 * that supplies the configuration of a live server:
 *
 * <pre>{@code
 * class EtcdCompatibilityIT extends KvStoreCompatibilityKit {
 *
 *     @RegisterExtension   // kvstore-testing: starts etcd once for the class, closes it after
 *     static final TestServerExtension<EtcdServer> ETCD = TestServerExtension.of(EtcdServer::start);
 *
 *     @Override
 *     protected KvStoreConfig config() {
 *         return KvStoreConfig.builder().storeType("etcd").address(ETCD.address()).build();
 *     }
 *
 *     @Override
 *     protected Optional<KvStoreConfig> unreachableConfig() {
 *         return Optional.of(KvStoreConfig.builder().storeType("etcd")
 *                 .address(ETCD.unreachableAddress()).timeout(Duration.ofSeconds(1)).build());
 *     }
 * }
 * }</pre>
 *
 * <p>Every test works under its own key namespace, so the tests of one class can share one server.
 * Optional features are declared by the store ({@link KvStoreClient#capabilities()}): the kit tests
 * what is declared, and checks that what is not declared is really absent where that shows.
 */
public abstract class KvStoreCompatibilityKit extends BulkKit {

    /** For subclasses. */
    protected KvStoreCompatibilityKit() {}
}
