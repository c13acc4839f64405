package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.Txn;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What only a cluster has: keys on every master, transactions within one hash slot. */
class RedisClusterStoreIT {

    private static RedisClusterServer cluster;
    private KvStoreClient client;
    private String ns;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterServer.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void open() {
        client = new RedisClusterKvStoreProvider()
                .create(KvStoreConfig.builder()
                        .storeType("redis-cluster")
                        .address(cluster.address())
                        .timeout(Duration.ofSeconds(5))
                        .build());
        ns = "store-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("keys land on every master; list and deleteWithPrefix cover them all")
    void keysOnEveryMaster() {
        for (int i = 0; i < 300; i++) {
            client.put(ns + i, bytes("v" + i)).join();
        }
        for (RedisServer master : cluster.masters()) {
            assertThat(Long.parseLong(master.redisCli("DBSIZE")))
                    .as(master.address())
                    .isPositive();
        }
        assertThat(client.list(ns).join()).hasSize(300);
        assertThat(client.listKeys(ns).join()).hasSize(300).doesNotHaveDuplicates();
        client.deleteWithPrefix(ns).join();
        assertThat(client.listKeys(ns).join()).isEmpty();
    }

    @Test
    @DisplayName("a transaction over keys of one hash slot ({tag}) is atomic; a watch sees each key's write")
    void sameSlotTransaction() {
        assertThat(client.capabilities())
                .contains(KvCapability.CONDITIONAL_WRITES)
                .doesNotContain(KvCapability.TRANSACTIONS, KvCapability.LEASES);
        String a = "{" + ns + "}a";
        String b = "{" + ns + "}b";
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        client.watch("{" + ns + "}", true, events::add).join();
        Txn txn =
                Txn.builder().ifAbsent(a).put(a, bytes("1")).put(b, bytes("2")).build();
        assertThat(client.commit(txn).join().succeeded()).isTrue();
        assertThat(client.commit(txn).join().succeeded()).isFalse();
        assertThat(client.get(b).join().orElseThrow().valueAsString()).isEqualTo("2");
        assertThat(client.commit(Txn.builder()
                                .ifValue(a, bytes("1"))
                                .delete(a)
                                .put(b, bytes("3"))
                                .build())
                        .join()
                        .succeeded())
                .isTrue();
        assertThat(client.get(a).join()).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.stream()
                        .anyMatch(e -> e.type() == EventType.PUT
                                && e.key().equals(b)
                                && e.valueAsString().equals("3")));
        assertThat(events).anyMatch(e -> e.type() == EventType.DELETE && e.key().equals(a));
    }

    @Test
    @DisplayName("a master dropping the watches' pub/sub connection: CONNECTION_DOWN, then UNKNOWN, then events again")
    void pubSubConnectionDropped() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        client.watch(ns, true, events::add).join();
        String key = ns + "k";
        RedisServer master = cluster.masterOf(key);
        master.redisCli("CLIENT", "KILL", "TYPE", "pubsub");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.stream().anyMatch(e -> e.type() == EventType.UNKNOWN));
        assertThat(events).extracting(KvEvent::type).startsWith(EventType.CONNECTION_DOWN);
        client.put(key, bytes("after")).join();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.stream()
                        .anyMatch(e -> e.type() == EventType.PUT && e.key().equals(key)));
    }

    @Test
    @DisplayName("a transaction over two slots fails before sending, naming the hash-tag rule")
    void crossSlotTransactionRefused() {
        assertThatThrownBy(() -> client.commit(Txn.builder()
                        .put(ns + "x", bytes("1"))
                        .put(ns + "y", bytes("2"))
                        .build()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("one slot")
                .hasMessageContaining("hash tag");
        assertThat(client.listKeys(ns).join()).isEmpty();
    }
}
