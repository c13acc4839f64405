package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvStoreException;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.ZooKeeperEnsemble;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A three-server ensemble loses its leader while a writer runs. */
class ZooKeeperEnsembleIT {

    private static final int KEYS = 400;

    @Test
    @DisplayName("the leader stops under a writer: every acknowledged put survives, the Backend reconnects by itself")
    void leaderStops() throws Exception {
        try (ZooKeeperEnsemble zk = ZooKeeperEnsemble.start(3);
             Backend backend = Backend.create("zookeeper", zk.address(), Duration.ofSeconds(5), "ensemble")) {
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            AtomicInteger failed = new AtomicInteger();
            Thread writer = new Thread(() -> {
                for (int i = 0; i < KEYS; i++) {
                    String key = String.format("k%04d", i);
                    try {
                        backend.put(key, key);
                        acknowledged.add(key);
                    } catch (KvStoreException e) {
                        failed.incrementAndGet();
                    }
                }
            }, "writer");
            writer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= KEYS / 4);
            int leader = zk.leaderIndex();
            zk.stopServer(leader);
            writer.join(Duration.ofSeconds(120).toMillis());
            assertThat(writer.isAlive()).isFalse();

            assertThat(acknowledged.size() + failed.get()).isEqualTo(KEYS);
            assertThat(acknowledged.size()).isGreaterThan(KEYS / 2); // most went through after the election
            Map<String, ?> stored = backend.list("k");
            assertThat(stored.keySet()).containsAll(acknowledged.stream().map(k -> "ensemble/" + k).toList());
            assertThat(backend.performLivenessCheck()).isTrue();
            assertThat(backend.isAlive()).isTrue();
        }
    }
}
