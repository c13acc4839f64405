package dev.kvstore.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import org.awaitility.Awaitility;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvValueTooLargeException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.spi.KvStoreProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;


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
public abstract class KvStoreCompatibilityKit extends CoordinationKit {

    /** For subclasses. */
    protected KvStoreCompatibilityKit() {
    }
}
