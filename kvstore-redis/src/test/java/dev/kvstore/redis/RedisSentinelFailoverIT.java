package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreException;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisSentinelCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code SENTINEL FAILOVER} while a writer runs. Redis replicates asynchronously: writes the old
 * master acknowledges after the replica is promoted are lost when it resyncs as a replica, so the
 * store holds writes while the failover runs. The test reports how many acknowledged writes were
 * lost before the client followed (none seen so far, but a write the replica had not yet received
 * when the failover began can be); it requires that the Backend follows the new master, that
 * writes continue, and that every write acknowledged once it follows is readable.
 */
class RedisSentinelFailoverIT {

    @Test
    @DisplayName(
            "failover with a writer: the Backend follows the new master, writes continue, acknowledged writes after the switch are kept, the watch resumes")
    void failoverWithWriter() throws Exception {
        String ns = "failover-" + UUID.randomUUID();
        try (RedisSentinelCluster cluster = RedisSentinelCluster.start("kvmaster");
                Backend b = Backend.builder()
                        .storeType("redis-sentinel")
                        .address(cluster.sentinelAddress())
                        .option(RedisOptions.MASTER_NAME, "kvmaster")
                        .timeout(Duration.ofSeconds(3))
                        .pathPrefix(ns)
                        .build()) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            b.createWatch("", true, events::add, WatchOptions.defaults().withResync(false));

            Set<Integer> acked = new ConcurrentSkipListSet<>();
            AtomicLong lastAcked = new AtomicLong(-1);
            AtomicLong writing = new AtomicLong(-1); // set before each put is sent
            AtomicInteger failed = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(
                    () -> {
                        for (int i = 0; !stop.get(); i++) {
                            writing.set(i);
                            try {
                                b.put("w/" + i, Integer.toString(i));
                                acked.add(i);
                                lastAcked.set(i);
                            } catch (KvStoreException e) {
                                failed.incrementAndGet();
                            }
                        }
                    },
                    "writer");
            writer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() > 100);

            String oldMaster = cluster.masterAddress();
            long t0 = System.nanoTime();
            cluster.failover();
            String newMaster = cluster.masterAddress();
            assertThat(newMaster).isNotEqualTo(oldMaster);

            // The Backend follows: a write it acknowledges is on the new master.
            RedisClient direct = RedisClient.create(RedisURI.create("redis://" + newMaster));
            long followedAt;
            try (StatefulRedisConnection<String, String> conn = direct.connect()) {
                AtomicInteger probe = new AtomicInteger();
                await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
                    String v = "p" + probe.incrementAndGet();
                    b.put("probe", v);
                    return v.equals(conn.sync().get(ns + "/probe"));
                });
                // Every put started after this point went to the new master.
                followedAt = writing.get();
                long followMillis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                await().atMost(Duration.ofSeconds(10)).until(() -> lastAcked.get() > followedAt + 100);
                stop.set(true);
                writer.join();

                Set<String> present = new HashSet<>(b.listKeys("w/"));
                long lostBefore = acked.stream()
                        .filter(i -> i <= followedAt && !present.contains(ns + "/w/" + i))
                        .count();
                List<Integer> lostAfter = acked.stream()
                        .filter(i -> i > followedAt && !present.contains(ns + "/w/" + i))
                        .toList();
                System.out.printf(
                        "failover %s -> %s: followed after %d ms; %d writes acknowledged, %d failed while"
                                + " switching; %d acknowledged writes lost before the client followed (async replication),"
                                + " %d after%n",
                        oldMaster, newMaster, followMillis, acked.size(), failed.get(), lostBefore, lostAfter.size());
                assertThat(lostAfter).isEmpty();
                assertThat(conn.sync().dbsize()).isGreaterThan(0);
            } finally {
                direct.shutdown();
            }

            // The same watch resumes on the new master.
            b.put("after", "x");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.stream()
                            .anyMatch(e -> e.type() == EventType.PUT && e.key().equals(ns + "/after")));
            assertThat(events).extracting(KvEvent::type).contains(EventType.CONNECTION_DOWN, EventType.UNKNOWN);
        }
    }
}
