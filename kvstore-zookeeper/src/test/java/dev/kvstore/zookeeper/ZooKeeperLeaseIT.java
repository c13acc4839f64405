package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreException;
import dev.kvstore.Txn;
import dev.kvstore.testing.TcpProxy;
import dev.kvstore.testing.TestServerExtension;
import dev.kvstore.testing.ZooKeeperServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leases as ephemeral znodes of the client's session, against a real ZooKeeper. */
class ZooKeeperLeaseIT {

    @RegisterExtension
    static final TestServerExtension<ZooKeeperServer> ZOOKEEPER = TestServerExtension.of(ZooKeeperServer::start);

    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private ZooKeeperKvStoreClient holder;
    private ZooKeeperKvStoreClient observer;
    private String ns;

    private static KvStoreConfig.Builder config(String address) {
        return KvStoreConfig.builder()
                .storeType("zookeeper")
                .address(address)
                .timeout(Duration.ofSeconds(5))
                .option(ZooKeeperOptions.SESSION_TIMEOUT, "4s");
    }

    private static ZooKeeperKvStoreClient client(KvStoreConfig config) {
        return (ZooKeeperKvStoreClient) new ZooKeeperKvStoreProvider().create(config);
    }

    @BeforeEach
    void connect() {
        holder = client(config(ZOOKEEPER.address()).build());
        observer = client(config(ZOOKEEPER.address()).build());
        ns = "lease" + NAMESPACES.incrementAndGet() + "-" + System.nanoTime() + "/";
    }

    @AfterEach
    void close() {
        holder.close();
        observer.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName(
            "a leased key is an ephemeral znode of the holder's session; KvPair.lease() is the lease id (the session id) in every client")
    void ephemeral() throws Exception {
        KvLease lease = holder.grantLease(Duration.ofSeconds(4)).join();
        holder.put(ns + "k", bytes("v"), lease).join();
        Stat stat = observer.curator().checkExists().forPath(holder.paths().path(ns + "k"));
        long session = holder.curator().getZookeeperClient().getZooKeeper().getSessionId();
        assertThat(stat.getEphemeralOwner()).isEqualTo(session);
        assertThat(holder.get(ns + "k").join()).get().extracting(KvPair::lease).isEqualTo(lease.id());
        assertThat(lease.id()).isEqualTo(session);
        assertThat(observer.get(ns + "k").join())
                .get()
                .extracting(KvPair::lease)
                .as("another client sees the same id")
                .isEqualTo(lease.id());
        assertThat(holder.list(ns).join().get(ns + "k").lease()).isEqualTo(lease.id());
        client(config(ZOOKEEPER.address()).build()).close(); // an unrelated client's close changes nothing
        assertThat(observer.exists(ns + "k").join()).isTrue();
    }

    @Test
    @DisplayName("revoke deletes the lease's keys (a watch sees DELETE) and leaves another lease's keys")
    void revoke() {
        KvLease one = holder.grantLease(Duration.ofSeconds(4)).join();
        KvLease two = holder.grantLease(Duration.ofSeconds(4)).join();
        assertThat(one.id()).as("leases of one client share its session's id").isEqualTo(two.id());
        holder.commit(Txn.builder()
                        .put(ns + "a", bytes("1"), one)
                        .put(ns + "b", bytes("2"), one)
                        .put(ns + "c", bytes("3"), two)
                        .build())
                .join();
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        observer.watch(ns, true, events::add).join();
        one.revoke();
        assertThat(one.isActive()).isFalse();
        assertThat(observer.listKeys(ns).join()).containsExactly(ns + "c");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> events.stream()
                                .filter(e -> e.type() == EventType.DELETE)
                                .count()
                        == 2);
        assertThatThrownBy(() -> holder.put(ns + "d", bytes("x"), one).join())
                .hasCauseInstanceOf(KvStoreException.class)
                .hasMessageContaining("no longer active");
        two.close();
        assertThat(observer.listKeys(ns).join()).isEmpty();
    }

    @Test
    @DisplayName("session expiry is lease loss: onLost runs once, the keys are gone, the lease can no longer be used")
    void sessionExpiry() throws Exception {
        KvLease lease = holder.grantLease(Duration.ofSeconds(4)).join();
        holder.put(ns + "k", bytes("v"), lease).join();
        AtomicInteger lost = new AtomicInteger();
        lease.onLost(lost::incrementAndGet);
        holder.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        await().atMost(Duration.ofSeconds(10)).until(() -> lost.get() == 1);
        assertThat(lease.isActive()).isFalse();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !observer.exists(ns + "k").join());
        assertThatThrownBy(() -> holder.put(ns + "k2", bytes("v"), lease).join())
                .hasCauseInstanceOf(KvStoreException.class);
        assertThat(holder.grantLease(Duration.ofSeconds(4)).join().isActive())
                .as("a new lease in the new session")
                .isTrue();
        assertThat(lost.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("a holder cut off from ZooKeeper learns of the loss (onLost) before its keys vanish for the others")
    void partitionedHolder() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(ZOOKEEPER.address());
                ZooKeeperKvStoreClient cutOff = client(config(proxy.address()).build())) {
            KvLease lease = cutOff.grantLease(Duration.ofSeconds(4)).join();
            cutOff.put(ns + "held", bytes("v"), lease).join();
            AtomicLong lostAt = new AtomicLong();
            AtomicLong goneAt = new AtomicLong();
            lease.onLost(() -> lostAt.set(System.nanoTime()));
            observer.watch(ns + "held", false, e -> {
                        if (e.type() == EventType.DELETE) {
                            goneAt.compareAndSet(0, System.nanoTime());
                        }
                    })
                    .join();
            long cut = System.nanoTime();
            proxy.blackhole();
            await().atMost(Duration.ofSeconds(6)).until(() -> lostAt.get() != 0);
            assertThat(Duration.ofNanos(lostAt.get() - cut))
                    .as("onLost within the TTL of the last keep-alive")
                    .isLessThanOrEqualTo(Duration.ofSeconds(4));
            await().atMost(Duration.ofSeconds(15)).until(() -> goneAt.get() != 0);
            assertThat(lostAt.get())
                    .as("the holder knew before the key was gone")
                    .isLessThan(goneAt.get());
            proxy.restore();
        }
    }

    @Test
    @DisplayName(
            "a plain put on a leased key makes it a plain key (persistent znode, lease 0, version from 1) that outlives the lease")
    void plainPutDetaches() throws Exception {
        KvLease lease = holder.grantLease(Duration.ofSeconds(4)).join();
        holder.put(ns + "k", bytes("leased"), lease).join();
        holder.put(ns + "k", bytes("leased2"), lease).join();
        assertThat(holder.get(ns + "k").join())
                .get()
                .extracting(KvPair::version)
                .isEqualTo(2L);
        observer.put(ns + "k", bytes("plain")).join();
        Stat stat = observer.curator().checkExists().forPath(holder.paths().path(ns + "k"));
        assertThat(stat.getEphemeralOwner()).isZero();
        assertThat(holder.get(ns + "k").join())
                .get()
                .extracting(KvPair::valueAsString, KvPair::lease, KvPair::version)
                .containsExactly("plain", 0L, 1L);
        lease.revoke();
        assertThat(observer.get(ns + "k").join())
                .get()
                .extracting(KvPair::valueAsString)
                .isEqualTo("plain");
    }

    @Test
    @DisplayName("closing the holder's client ends its session: its leased keys are gone at once")
    void closeEndsSession() {
        KvLease lease = holder.grantLease(Duration.ofSeconds(4)).join();
        holder.put(ns + "k", bytes("v"), lease).join();
        holder.close();
        await().atMost(Duration.ofSeconds(3))
                .until(() -> !observer.exists(ns + "k").join());
        assertThat(lease.isActive()).isFalse();
    }

    @Test
    @DisplayName("a lease of another client is refused before anything is sent")
    void foreignLease() {
        KvLease theirs = observer.grantLease(Duration.ofSeconds(4)).join();
        assertThatThrownBy(() -> holder.put(ns + "k", bytes("v"), theirs)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> holder.grantLease(Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(holder.exists(ns + "k").join()).isFalse();
    }
}
