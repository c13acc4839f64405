package dev.kvstore.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdCluster;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A three-member cluster on loopback loses its leader under writes. */
class EtcdClusterIT {

    private static final int PUTS = 2_000;

    @Test
    @DisplayName("kill the leader during 2,000 puts: every acknowledged put is stored and was seen by the watch")
    void leaderKilledDuringWrites() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(3);
                Backend writer = Backend.create("etcd", cluster.address(), Duration.ofSeconds(5), "cluster");
                Backend reader = Backend.create("etcd", cluster.address(), Duration.ofSeconds(5), "cluster")) {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            List<KvEvent> other = new CopyOnWriteArrayList<>();
            KvWatch watch = reader.createWatch("k/", true, e -> {
                if (e.type() == EventType.PUT) {
                    seen.add(e.key());
                } else {
                    other.add(e);
                }
            });
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            Semaphore inFlight = new Semaphore(32);
            for (int i = 0; i < PUTS; i++) {
                if (i == PUTS / 4) {
                    inFlight.acquire(32); // let the puts before settle, then kill the leader under load
                    inFlight.release(32);
                    cluster.stopMember(cluster.leaderIndex());
                }
                String key = String.format("k/%05d", i);
                inFlight.acquire();
                writer.putAsync(key, Integer.toString(i)).whenComplete((ok, e) -> {
                    if (e == null) {
                        acknowledged.add("cluster/" + key);
                    } else {
                        failed.incrementAndGet();
                    }
                    inFlight.release();
                });
            }
            inFlight.acquire(32);
            System.out.printf("EtcdClusterIT: %d puts acknowledged, %d failed%n", acknowledged.size(), failed.get());
            assertThat(acknowledged)
                    .as("puts that succeeded (%d failed)", failed.get())
                    .hasSizeGreaterThan(PUTS / 2);
            assertThat(reader.listKeys("k/")).containsAll(acknowledged);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(seen).containsAll(acknowledged));
            assertThat(other)
                    .allMatch(e -> e.type() == EventType.CONNECTION_DOWN
                            || e.type() == EventType.UNKNOWN
                            || e.type() == EventType.SYNCED);
            watch.close();
        }
    }
}
