package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvStoreException;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.ZooKeeperEnsemble;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A three-server ensemble loses its leader while a writer runs. */
class ZooKeeperEnsembleIT {

    private static final int MAX_KEYS = 20_000;
    private static final int AFTER_STOP = 200;

    @Test
    @DisplayName("the leader stops under a writer: every acknowledged put survives, the Backend reconnects by itself")
    void leaderStops() throws Exception {
        try (ZooKeeperEnsemble zk = ZooKeeperEnsemble.start(3);
                Backend backend = Backend.create("zookeeper", zk.address(), Duration.ofSeconds(5), "ensemble")) {
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            AtomicBoolean leaderStopped = new AtomicBoolean();
            AtomicInteger ackedAfterStop = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Thread writer = new Thread(
                    () -> {
                        for (int i = 0; i < MAX_KEYS && ackedAfterStop.get() < AFTER_STOP; i++) {
                            String key = String.format("k%05d", i);
                            boolean afterStop = leaderStopped.get();
                            try {
                                backend.put(key, key);
                                acknowledged.add(key);
                                if (afterStop) {
                                    ackedAfterStop.incrementAndGet();
                                }
                            } catch (KvStoreException e) {
                                failed.incrementAndGet();
                            }
                        }
                    },
                    "writer");
            writer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 100);
            int leader = zk.leaderIndex();
            zk.stopServer(leader);
            leaderStopped.set(true);
            writer.join(Duration.ofSeconds(120).toMillis());
            assertThat(writer.isAlive()).isFalse();

            assertThat(ackedAfterStop.get())
                    .as("puts acknowledged after the leader stopped")
                    .isEqualTo(AFTER_STOP);
            List<String> stored = backend.listKeys("k");
            assertThat(stored)
                    .containsAll(acknowledged.stream().map(k -> "ensemble/" + k).toList());
            assertThat(backend.performLivenessCheck()).isTrue();
            assertThat(backend.isAlive()).isTrue();
        }
    }
}
