package dev.kvstore.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.TestServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Metrics of a Backend on a real etcd, and on an etcd address nothing listens on. */
class EtcdMetricsIT {

    @RegisterExtension
    static final TestServerExtension<EtcdServer> ETCD = TestServerExtension.of(EtcdServer::start);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String prefix = "metrics-it/" + UUID.randomUUID();

    private Backend backend(String address, Duration timeout) {
        return Backend.builder()
                .storeType("etcd")
                .address(address)
                .timeout(timeout)
                .pathPrefix(prefix)
                .observer(new KvStoreMetrics(registry))
                .build();
    }

    private long count(String operation, String outcome) {
        var t = registry.find(KvStoreMetrics.OPERATIONS)
                .tags("store", "etcd", "operation", operation, "outcome", outcome)
                .timer();
        return t == null ? 0 : t.count();
    }

    @Test
    @DisplayName("operations, watch events, active watches and liveness against etcd")
    void etcd() {
        try (Backend b = backend(ETCD.address(), Duration.ofSeconds(5))) {
            KvWatch w = b.createWatch("k", false, e -> {});
            b.put("k", "1");
            b.getAsync("k").join();
            assertThat(b.get("missing")).isEmpty();
            assertThat(count("put", "success")).isEqualTo(1);
            assertThat(count("get", "success")).isEqualTo(1);
            assertThat(count("get", "not_found")).isEqualTo(1);
            assertThat(registry.get(KvStoreMetrics.ALIVE)
                            .tag("store", "etcd")
                            .gauge()
                            .value())
                    .isEqualTo(1);
            assertThat(registry.get(KvStoreMetrics.WATCHES_ACTIVE)
                            .tag("store", "etcd")
                            .gauge()
                            .value())
                    .isEqualTo(1);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(registry.get(KvStoreMetrics.WATCH_EVENTS)
                                    .tags("store", "etcd", "type", "put")
                                    .counter()
                                    .count())
                            .isEqualTo(1));
            b.deleteWatch(w);
            assertThat(registry.get(KvStoreMetrics.WATCHES_ACTIVE)
                            .tag("store", "etcd")
                            .gauge()
                            .value())
                    .isZero();
        }
    }

    @Test
    @DisplayName("an unreachable etcd: outcome unavailable and kvstore.alive 0")
    void unreachable() {
        try (Backend b = backend(ETCD.unreachableAddress(), Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> b.get("k")).isInstanceOf(KvStoreUnavailableException.class);
            assertThat(b.performLivenessCheck()).isFalse();
            assertThat(count("get", "unavailable")).isEqualTo(1);
            assertThat(count("livenessCheck", "unavailable")).isEqualTo(1);
            assertThat(registry.get(KvStoreMetrics.ALIVE)
                            .tag("store", "etcd")
                            .gauge()
                            .value())
                    .isZero();
        }
    }
}
