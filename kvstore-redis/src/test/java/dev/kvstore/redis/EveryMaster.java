package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** The cluster ITs' common check: a Backend works with keys on every master of a real cluster. */
final class EveryMaster {

    private EveryMaster() {}

    /** Keys on every master: written, read back, listed, seen by a watch, and really on each node. */
    static void check(RedisClusterServer cluster, Backend b) {
        List<RedisServer> masters = cluster.masters();
        assertThat(masters).hasSize(RedisClusterServer.MASTERS);
        // Two keys per master, chosen by their slot's owner.
        Map<String, RedisServer> keys = new HashMap<>();
        Map<RedisServer, Integer> perMaster = new HashMap<>();
        for (int i = 0;
                perMaster.size() < masters.size() || perMaster.values().stream().anyMatch(n -> n < 2);
                i++) {
            String key = "w/k" + i;
            RedisServer owner = cluster.masterOf(b.fullKey(key));
            if (perMaster.getOrDefault(owner, 0) < 2) {
                perMaster.merge(owner, 1, Integer::sum);
                keys.put(key, owner);
            }
        }
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        b.createWatch("w/", true, events::add);
        keys.keySet().forEach(k -> b.put(k, "v-" + k));
        for (Map.Entry<String, RedisServer> e : keys.entrySet()) {
            assertThat(b.get(e.getKey())).map(KvPair::valueAsString).hasValue("v-" + e.getKey());
            assertThat(e.getValue().redisCli("GET", b.fullKey(e.getKey())))
                    .as("on its master " + e.getValue().address())
                    .isEqualTo("v-" + e.getKey());
        }
        assertThat(b.list("w/")).hasSize(keys.size());
        List<String> expected = new ArrayList<>();
        keys.keySet().forEach(k -> expected.add(b.fullKey(k)));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(events)
                        .filteredOn(e -> e.type() == EventType.PUT)
                        .extracting(KvEvent::key)
                        .containsExactlyInAnyOrderElementsOf(expected));
        assertThat(b.performLivenessCheck()).isTrue();
    }
}
