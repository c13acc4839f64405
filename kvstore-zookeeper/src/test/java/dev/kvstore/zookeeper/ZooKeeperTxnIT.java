package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreException;
import dev.kvstore.Txn;
import dev.kvstore.testing.TestServerExtension;
import dev.kvstore.testing.ZooKeeperServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the kit cannot see of transactions on ZooKeeper: the znodes a multi leaves behind. */
class ZooKeeperTxnIT {

    @RegisterExtension
    static final TestServerExtension<ZooKeeperServer> ZOOKEEPER = TestServerExtension.of(ZooKeeperServer::start);

    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private ZooKeeperKvStoreClient client;
    private String ns;

    @BeforeEach
    void connect() {
        client = (ZooKeeperKvStoreClient) new ZooKeeperKvStoreProvider()
                .create(KvStoreConfig.builder()
                        .storeType("zookeeper")
                        .address(ZOOKEEPER.address())
                        .timeout(Duration.ofSeconds(5))
                        .build());
        ns = "txn" + NAMESPACES.incrementAndGet() + "-" + System.nanoTime() + "/";
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Stat stat(String key) throws Exception {
        CuratorFramework curator = client.curator();
        return curator.checkExists().forPath(client.paths().path(key));
    }

    @Test
    @DisplayName(
            "a new key's missing parents are created inside the multi: a failed transaction leaves no znode behind")
    void parentsInsideTheMulti() throws Exception {
        assertThat(client.commit(Txn.builder()
                                .ifPresent(ns + "nope")
                                .put(ns + "p/q/r", bytes("v"))
                                .build())
                        .join()
                        .succeeded())
                .isFalse();
        assertThat(stat(ns + "p"))
                .as("no container left by a failed transaction")
                .isNull();

        assertThat(client.commit(Txn.builder()
                                .ifAbsent(ns + "p/q/r")
                                .put(ns + "p/q/r", bytes("v"))
                                .put(ns + "x/y/z", bytes("w"))
                                .build())
                        .join()
                        .succeeded())
                .isTrue();
        assertThat(stat(ns + "p/q").getDataLength())
                .as("a container holds no data")
                .isZero();
        assertThat(client.get(ns + "p/q").join()).as("containers are not keys").isEmpty();
        assertThat(client.listKeys(ns).join()).containsExactly(ns + "p/q/r", ns + "x/y/z");
    }

    @Test
    @DisplayName(
            "16 transactions creating keys under the same new parents at once all succeed (the race on the parents is retried)")
    void concurrentParents() {
        List<CompletableFuture<Boolean>> commits = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            commits.add(client.commit(Txn.builder()
                            .ifAbsent(ns + "new/parent/k" + i)
                            .put(ns + "new/parent/k" + i, bytes("v" + i))
                            .build())
                    .thenApply(r -> r.succeeded()));
        }
        assertThat(commits).allSatisfy(f -> assertThat(f.join()).isTrue());
        assertThat(client.listKeys(ns).join()).hasSize(16);
    }

    @Test
    @DisplayName(
            "a put onto a container with children makes it a key at version 1; a delete makes it a container again")
    void containers() {
        client.put(ns + "a/b", bytes("below")).join();
        assertThat(client.commit(Txn.builder()
                                .ifAbsent(ns + "a")
                                .put(ns + "a", bytes("A"))
                                .build())
                        .join()
                        .succeeded())
                .isTrue();
        assertThat(client.get(ns + "a").join())
                .get()
                .extracting(KvPair::version, KvPair::valueAsString)
                .containsExactly(1L, "A");
        assertThat(client.compareAndSet(ns + "a", 1, bytes("A2")).join()).isTrue();
        assertThat(client.get(ns + "a").join())
                .get()
                .extracting(KvPair::version)
                .isEqualTo(2L);
        assertThat(client.compareAndDelete(ns + "a", 2).join()).isTrue();
        assertThat(client.get(ns + "a").join()).isEmpty();
        assertThat(client.get(ns + "a/b").join())
                .get()
                .extracting(KvPair::valueAsString)
                .isEqualTo("below");
        // the container refuses a plain setData again (its ACL has no WRITE), so a put converts it afresh
        assertThat(client.putIfAbsent(ns + "a", bytes("again")).join()).isTrue();
        assertThat(client.get(ns + "a").join())
                .get()
                .extracting(KvPair::version)
                .isEqualTo(1L);
        client.put(ns + "a", bytes("again2")).join();
        assertThat(client.get(ns + "a").join())
                .get()
                .extracting(KvPair::version)
                .isEqualTo(2L);
    }

    @Test
    @DisplayName(
            "compareAndSet on a plain key takes the one-round-trip path (create+delete of the hidden child, then setData)")
    void compareAndSetFastPath() throws Exception {
        client.put(ns + "n", bytes("0")).join();
        int cversion = stat(ns + "n").getCversion();
        for (int i = 1; i <= 5; i++) {
            assertThat(client.compareAndSet(ns + "n", i, bytes(String.valueOf(i)))
                            .join())
                    .isTrue();
        }
        assertThat(client.compareAndSet(ns + "n", 3, bytes("stale")).join()).isFalse();
        assertThat(stat(ns + "n").getCversion() - cversion)
                .as("two child changes per fast compareAndSet")
                .isEqualTo(10);
        assertThat(client.get(ns + "n").join())
                .get()
                .extracting(KvPair::version, KvPair::valueAsString)
                .containsExactly(6L, "5");
        assertThat(stat(ns + "n").getNumChildren()).isZero();
    }

    @Test
    @DisplayName("an empty container becomes a key by delete and create in one multi; versions count from 1")
    void emptyContainer() {
        client.put(ns + "c/d", bytes("x")).join();
        client.delete(ns + "c/d").join(); // leaves the container c, empty
        assertThat(client.compareAndSet(ns + "c", 0, bytes("C")).join()).isTrue();
        assertThat(client.get(ns + "c").join())
                .get()
                .extracting(KvPair::version)
                .isEqualTo(1L);
    }

    @Test
    @DisplayName(
            "a leased key is an ephemeral znode, which cannot hold keys below it: such transactions fail and write nothing")
    void leasedKeysHaveNoChildren() throws Exception {
        KvLease lease = client.grantLease(Duration.ofSeconds(10)).join();
        try {
            client.put(ns + "up/below", bytes("x")).join();
            assertThatThrownBy(
                            () -> client.put(ns + "up", bytes("leased"), lease).join())
                    .hasCauseInstanceOf(KvStoreException.class)
                    .hasMessageContaining("below");
            assertThat(client.get(ns + "up").join()).isEmpty();
            client.put(ns + "solo", bytes("leased"), lease).join();
            assertThat(stat(ns + "solo").getEphemeralOwner()).isNotZero();
            assertThatThrownBy(() -> client.commit(Txn.builder()
                                    .put(ns + "solo/child", bytes("c"))
                                    .put(ns + "other", bytes("o"))
                                    .build())
                            .join())
                    .hasCauseInstanceOf(KvStoreException.class);
            assertThat(client.get(ns + "other").join()).isEmpty();
        } finally {
            lease.revoke();
        }
    }

    @Test
    @DisplayName("a plain put in a transaction over a leased key makes it persistent again (version from 1)")
    void unleasing() throws Exception {
        KvLease lease = client.grantLease(Duration.ofSeconds(10)).join();
        client.put(ns + "k", bytes("leased"), lease).join();
        assertThat(client.get(ns + "k").join()).get().extracting(KvPair::lease).isEqualTo(lease.id());
        assertThat(client.commit(Txn.builder().put(ns + "k", bytes("plain")).build())
                        .join()
                        .succeeded())
                .isTrue();
        assertThat(stat(ns + "k").getEphemeralOwner()).isZero();
        assertThat(client.get(ns + "k").join())
                .get()
                .extracting(KvPair::lease, KvPair::version)
                .containsExactly(0L, 1L);
        lease.revoke();
        assertThat(client.get(ns + "k").join())
                .as("no longer under the revoked lease")
                .isPresent();
    }
}
