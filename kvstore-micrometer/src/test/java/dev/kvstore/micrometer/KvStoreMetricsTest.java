package dev.kvstore.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Metrics of a Backend on the in-process memory store. */
class KvStoreMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String name = "metrics-" + UUID.randomUUID();
    private final Backend backend = Backend.builder()
            .storeType("memory")
            .address(name)
            .timeout(Duration.ofSeconds(5))
            .pathPrefix("svc")
            .observer(new KvStoreMetrics(registry))
            .build();

    @AfterEach
    void close() {
        backend.close();
    }

    private long count(String operation, String outcome) {
        Timer t = registry.find(KvStoreMetrics.OPERATIONS)
                .tags("store", "memory", "operation", operation, "outcome", outcome)
                .timer();
        return t == null ? 0 : t.count();
    }

    private double gauge(String gauge) {
        Gauge g = registry.find(gauge)
                .tags("store", "memory", "address", name, "namespace", "svc")
                .gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    @DisplayName("kvstore.operations counts each operation by outcome, blocking and async alike")
    void operations() {
        backend.put("a", "1");
        backend.putAsync("b", "2").join();
        backend.get("a");
        backend.get("missing");
        backend.getAsync("missing").join();
        assertThat(count("put", "success")).isEqualTo(2);
        assertThat(count("get", "success")).isEqualTo(1);
        assertThat(count("get", "not_found")).isEqualTo(2);
        assertThat(registry.find(KvStoreMetrics.OPERATIONS)
                        .tag("outcome", "error")
                        .timer())
                .isNull();
        assertThat(registry.get(KvStoreMetrics.OPERATIONS)
                        .tags("operation", "put")
                        .timer()
                        .takeSnapshot()
                        .percentileValues())
                .isEmpty();
    }

    @Test
    @DisplayName("the store calls of the coordination recipes are counted too: a lock's lease, transaction and release")
    void coordination() {
        try (var handle = backend.lock("jobs").tryAcquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(handle.fencingToken()).isPositive();
        }
        assertThat(count("grantLease", "success")).isEqualTo(1);
        assertThat(count("commit", "success")).isGreaterThanOrEqualTo(1);
        assertThat(count("delete", "success")).isGreaterThanOrEqualTo(1);
    }

    @Test
    @DisplayName("a failed operation is counted with outcome error")
    void error() {
        Backend closed = Backend.builder()
                .storeType("memory")
                .address(name)
                .observer(new KvStoreMetrics(registry))
                .build();
        closed.close();
        try {
            closed.get("a");
        } catch (RuntimeException expected) {
            // a closed client refuses it
        }
        assertThat(count("get", "error")).isEqualTo(1);
    }

    @Test
    @DisplayName("watch events are counted by type; kvstore.watches.active follows open watches")
    void watches() {
        assertThat(gauge(KvStoreMetrics.WATCHES_ACTIVE)).isZero();
        KvWatch w = backend.createWatch("k", false, e -> {});
        assertThat(gauge(KvStoreMetrics.WATCHES_ACTIVE)).isEqualTo(1);
        backend.put("k", "1");
        backend.delete("k");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(registry.get(KvStoreMetrics.WATCH_EVENTS)
                            .tags("store", "memory", "type", "put")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get(KvStoreMetrics.WATCH_EVENTS)
                            .tags("store", "memory", "type", "delete")
                            .counter()
                            .count())
                    .isEqualTo(1);
        });
        backend.deleteWatch(w);
        assertThat(gauge(KvStoreMetrics.WATCHES_ACTIVE)).isZero();
        assertThat(count("createWatch", "success")).isEqualTo(1);
        assertThat(count("deleteWatch", "success")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(booleans = {false, true})
    @DisplayName(
            "kvstore.watch.queue.size counts the events a blocked listener has not taken yet (plain and gap-free watches)")
    void watchQueue(boolean gapFree) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        Consumer<KvEvent> blocked = e -> {
            first.countDown();
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        };
        KvWatch w = gapFree
                ? backend.createWatch("q/", true, blocked, WatchOptions.defaults())
                : backend.createWatch("q/", true, blocked);
        try {
            for (int i = 0; i < 5; i++) {
                backend.put("q/" + i, "v");
            }
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(gauge(KvStoreMetrics.WATCH_QUEUE_SIZE)).isEqualTo(4));
            release.countDown();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(gauge(KvStoreMetrics.WATCH_QUEUE_SIZE)).isZero());
        } finally {
            release.countDown();
            backend.deleteWatch(w);
        }
    }

    @Test
    @DisplayName("kvstore.alive is 1 once the store answered, and the gauges go with the Backend")
    void alive() {
        assertThat(gauge(KvStoreMetrics.ALIVE)).isZero();
        assertThat(backend.performLivenessCheck()).isTrue();
        assertThat(gauge(KvStoreMetrics.ALIVE)).isEqualTo(1);
        assertThat(count("livenessCheck", "success")).isEqualTo(1);
        backend.close();
        assertThat(gauge(KvStoreMetrics.ALIVE)).isNaN();
        assertThat(gauge(KvStoreMetrics.WATCHES_ACTIVE)).isNaN();
    }
}
