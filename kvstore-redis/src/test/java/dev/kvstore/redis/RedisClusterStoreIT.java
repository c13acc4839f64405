package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvLeaseInfo;
import dev.kvstore.KvLockHandle;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.Txn;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
                .contains(KvCapability.CONDITIONAL_WRITES, KvCapability.LEASES, KvCapability.LOCKS)
                .doesNotContain(KvCapability.TRANSACTIONS);
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

    @Test
    @DisplayName(
            "a leased key is a plain string with an expiry on its master; the bookkeeping keys sit in its slot and stay hidden")
    void leasedKeyBookkeeping() {
        KvLease lease = client.grantLease(Duration.ofSeconds(4)).join();
        try {
            String leased = ns + "leased-ü/日本";
            client.put(leased, bytes("v"), lease).join();
            client.put(ns + "plain", bytes("p")).join();
            assertThat(client.get(leased).join().orElseThrow().lease()).isEqualTo(lease.id());
            assertThat(client.get(ns + "plain").join().orElseThrow().lease()).isZero();
            RedisServer master = cluster.masterOf(leased);
            assertThat(master.redisCli("GET", leased).strip()).isEqualTo("v");
            assertThat(Long.parseLong(master.redisCli("PTTL", leased).strip())).isBetween(1L, 4000L);
            // the key, its lease-id key and the lease's shard in the key's slot (the root too, 1 time in 16,384)
            String slot = Integer.toString(SlotTags.slot(leased));
            assertThat(master.redisCli("CLUSTER", "KEYSLOT", leased).strip()).isEqualTo(slot);
            assertThat(Long.parseLong(
                            master.redisCli("CLUSTER", "COUNTKEYSINSLOT", slot).strip()))
                    .isBetween(3L, 4L);
            assertThat(client.listKeys("").join()).noneMatch(ReservedKeys::isReserved);
            assertThat(client.list(ns).join()).containsOnlyKeys(leased, ns + "plain");
            client.put(leased, bytes("plain now")).join();
            assertThat(client.get(leased).join().orElseThrow().lease()).isZero();
            assertThat(Long.parseLong(master.redisCli("PTTL", leased).strip())).isEqualTo(-1L);
            String second = ns + "second";
            client.put(second, bytes("2"), lease).join();
            lease.revoke();
            // revoke deleted what the lease still held, not the key put again without it
            assertThat(client.get(second).join()).isEmpty();
            assertThat(client.get(leased).join().orElseThrow().valueAsString()).isEqualTo("plain now");
        } finally {
            lease.revoke();
        }
    }

    @Test
    @DisplayName(
            "leaseInfo and listLeases from another client find a lease's keys on every master, through its root's shard list")
    void leasesDescribed() {
        KvLease lease = client.grantLease(Duration.ofSeconds(4)).join();
        List<String> keys = new ArrayList<>();
        for (RedisServer master : cluster.masters()) {
            int slot = Integer.parseInt(master.redisCli("CLUSTER", "NODES")
                    .lines()
                    .filter(l -> l.contains("myself"))
                    .findFirst()
                    .orElseThrow()
                    .split(" ")[8]
                    .split("-")[0]);
            String key = ns + "d/{" + SlotTags.of(slot) + "}";
            client.put(key, bytes("v"), lease).join();
            keys.add(key);
        }
        try (KvStoreClient other = new RedisClusterKvStoreProvider()
                .create(KvStoreConfig.builder()
                        .storeType("redis-cluster")
                        .address(cluster.address())
                        .timeout(Duration.ofSeconds(5))
                        .build())) {
            KvLeaseInfo info = other.leaseInfo(lease.id()).join().orElseThrow();
            assertThat(info.keys()).containsExactlyInAnyOrderElementsOf(keys);
            assertThat(info.grantedTtl()).isEqualTo(Duration.ofSeconds(4));
            assertThat(other.listLeases(ns).join())
                    .singleElement()
                    .satisfies(l -> assertThat(l.keys()).hasSize(3));
            lease.revoke();
            assertThat(other.leaseInfo(lease.id()).join()).isEmpty();
            assertThat(other.listLeases(ns).join()).isEmpty();
        }
    }

    @Test
    @DisplayName(
            "a lock's counter and queue keys share the slot its name hashes to (a hash tag after their fixed part); a name with its own tag gets none")
    void lockKeysShareASlot() {
        String name = ns + "locks/deploy";
        String tag = client.colocationTag(name);
        assertThat(tag).matches("\\{[0-9A-Za-z]{1,3}\\}");
        assertThat(SlotTags.slot(name + "/fence" + tag)).isEqualTo(SlotTags.slot(name));
        assertThat(SlotTags.slot(name + "/q/" + tag + "00000000000000000001")).isEqualTo(SlotTags.slot(name));
        assertThat(client.colocationTag("{" + ns + "}lock")).isEmpty();
        try (Backend b = Backend.create("redis-cluster", cluster.address(), Duration.ofSeconds(5), "")) {
            try (KvLockHandle h = b.lock(name).tryAcquire(Duration.ofSeconds(5)).orElseThrow()) {
                assertThat(client.listKeys(name + "/").join())
                        .containsExactlyInAnyOrder(
                                name + "/fence" + tag, name + "/q/" + tag + String.format("%020d", h.fencingToken()));
            }
        }
    }
}
