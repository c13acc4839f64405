package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.ZooKeeperServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** ZooKeeper stops and starts again on the same port and data under a Backend with an open watch. */
class ZooKeeperRestartIT {

    @Test
    @DisplayName("a restart: CONNECTION_DOWN, operations fail in time, then the same watch goes on by itself")
    void restart() {
        try (ZooKeeperServer zk = ZooKeeperServer.start();
                Backend backend = Backend.create("zookeeper", zk.address(), Duration.ofSeconds(2), "restart")) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            backend.createWatch("k", true, events::add, WatchOptions.defaults().withResync(false));
            backend.put("k1", "before");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.contains(
                            KvEvent.put("restart/k1", "before".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1)));
            assertThat(backend.performLivenessCheck()).isTrue();

            zk.stop();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> events.stream().anyMatch(e -> e.type() == EventType.CONNECTION_DOWN));
            long start = System.nanoTime();
            assertThatThrownBy(() -> backend.put("k2", "while down")).isInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> backend.get("k1")).isInstanceOf(KvStoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
            assertThat(backend.performLivenessCheck()).isFalse();
            assertThat(backend.isAlive()).isFalse();

            zk.restart();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                backend.put("k3", "after");
                return true;
            });
            assertThat(backend.get("k1"))
                    .get()
                    .extracting(p -> p.valueAsString())
                    .isEqualTo("before");
            assertThat(backend.performLivenessCheck()).isTrue();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> events.stream().anyMatch(e -> e.type() == EventType.UNKNOWN));
            backend.put("k4", "seen");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> events.stream()
                            .anyMatch(e -> e.key().equals("restart/k4")
                                    && e.valueAsString().equals("seen")));
            assertThat(events.stream()
                            .filter(e -> e.type() == EventType.CONNECTION_DOWN)
                            .count())
                    .isEqualTo(1);
            assertThat(events.stream().filter(e -> e.key().equals("restart/k4")).count())
                    .as("the watch added again after reconnecting is not doubled")
                    .isEqualTo(1);
        }
    }
}
