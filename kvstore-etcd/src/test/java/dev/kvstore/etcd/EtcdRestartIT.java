package dev.kvstore.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** etcd stops and comes back on the same port and data, under an open watch. */
class EtcdRestartIT {

    @Test
    @DisplayName("stop etcd: CONNECTION_DOWN, bounded failures, not alive; restart: alive and the same watch goes on")
    void restart() {
        Duration timeout = Duration.ofSeconds(1);
        try (EtcdServer etcd = EtcdServer.start();
                Backend backend = Backend.create("etcd", etcd.address(), timeout, "restart")) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            KvWatch watch = backend.createWatch("dir/", true, events::add);
            backend.put("dir/before", "1");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            assertThat(backend.performLivenessCheck()).isTrue();

            etcd.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
            assertThat(events.get(1)).isEqualTo(KvEvent.connectionDown("restart/dir/"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> backend.put("dir/down", "x")).isInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> backend.get("dir/before")).isInstanceOf(KvStoreUnavailableException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2 * 1000 + 1500);
            assertThat(backend.performLivenessCheck()).isFalse();
            assertThat(backend.isAlive()).isFalse();

            etcd.restart();
            await().atMost(Duration.ofSeconds(30)).until(backend::performLivenessCheck);
            assertThat(backend.get("dir/before").orElseThrow().valueAsString()).isEqualTo("1");
            backend.put("dir/after", "2");
            await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 3);
            assertThat(events.get(2).type()).isEqualTo(EventType.PUT);
            assertThat(events.get(2).key()).isEqualTo("restart/dir/after");
            assertThat(events)
                    .hasSize(3)
                    .filteredOn(e -> e.type() == EventType.CONNECTION_DOWN)
                    .hasSize(1);
            assertThat(watch.isOpen()).isTrue();
        }
    }
}
