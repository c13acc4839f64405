package dev.kvstore.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvWatch;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.TcpProxy;
import dev.kvstore.testing.TestServerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * etcd leases against a real etcd: keep-alive on one stream per client, loss reported before etcd
 * lets the key go, revoke, close.
 */
class EtcdLeaseIT {

    private static final byte[] V = "v".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final TestServerExtension<EtcdServer> ETCD = TestServerExtension.of(EtcdServer::start);

    private KvStoreClient client;
    private String ns;

    @BeforeEach
    void connect() {
        client = create(ETCD.address(), Duration.ofSeconds(5));
        ns = "lease-it/" + UUID.randomUUID() + "/";
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static KvStoreClient create(String address, Duration timeout) {
        return new EtcdKvStoreProvider()
                .create(KvStoreConfig.builder()
                        .storeType("etcd")
                        .address(address)
                        .timeout(timeout)
                        .build());
    }

    private static <T> T join(CompletableFuture<T> f) {
        return f.orTimeout(10, TimeUnit.SECONDS).join();
    }

    private boolean exists(String key) {
        return join(client.exists(key));
    }

    @Test
    @DisplayName("a leased key outlives its TTL while kept alive, names its lease, and goes with revoke")
    void keptAliveThenRevoked() {
        KvLease lease = join(client.grantLease(Duration.ofSeconds(2)));
        assertThat(lease.ttl()).isEqualTo(Duration.ofSeconds(2));
        AtomicBoolean lost = new AtomicBoolean();
        lease.onLost(() -> lost.set(true));
        join(client.put(ns + "k", V, lease));
        assertThat(join(client.get(ns + "k")).orElseThrow().lease()).isEqualTo(lease.id());

        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(8))
                .until(() -> exists(ns + "k") && lease.isActive());

        List<KvEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        KvWatch watch = join(client.watch(ns + "k", false, events::add));
        lease.revoke();
        assertThat(exists(ns + "k")).isFalse(); // revoke waited for etcd
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.type() == EventType.DELETE));
        lease.revoke(); // idempotent
        assertThat(lease.isActive()).isFalse();
        assertThat(lost).isFalse(); // a voluntary revoke is no loss
        watch.close();
    }

    @Test
    @DisplayName("every lease of a client is kept alive on one LeaseKeepAlive stream")
    void oneStreamPerClient() throws Exception {
        long before = keepAliveStreamsStarted();
        List<KvLease> leases = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leases.add(join(client.grantLease(Duration.ofSeconds(2))));
        }
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> leases.stream().allMatch(KvLease::isActive));
        assertThat(keepAliveStreamsStarted() - before).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cut", "blackhole"})
    @DisplayName("cut off from etcd (connections reset, or silently dropped), the holder's onLost runs within "
            + "the TTL, before etcd deletes its key")
    void lossBeforeExpiry(String fault) throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        try (TcpProxy proxy = TcpProxy.start(ETCD.address());
                KvStoreClient holder = create(proxy.address(), Duration.ofSeconds(1))) {
            KvLease lease = join(holder.grantLease(ttl));
            join(holder.put(ns + "k", V, lease));
            CompletableFuture<Long> lostAt = new CompletableFuture<>();
            lease.onLost(() -> lostAt.complete(System.nanoTime()));
            CompletableFuture<Long> deletedAt = new CompletableFuture<>();
            KvWatch watch = join(client.watch(ns + "k", false, e -> {
                if (e.type() == EventType.DELETE) {
                    deletedAt.complete(System.nanoTime());
                }
            }));

            long cutAt = System.nanoTime();
            if (fault.equals("cut")) {
                proxy.cut();
            } else {
                proxy.blackhole();
            }
            long lost = lostAt.get(ttl.toSeconds() + 2, TimeUnit.SECONDS);
            // the last keep-alive answered was sent before the cut; allow the timer's and a thread's wake-up
            assertThat(Duration.ofNanos(lost - cutAt)).isLessThanOrEqualTo(ttl.plusMillis(200));
            assertThat(lease.isActive()).isFalse();

            long deleted = deletedAt.get(ttl.toSeconds() + 4, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(deleted - cutAt)).isLessThanOrEqualTo(ttl.plusSeconds(2));
            assertThat(lost).isLessThan(deleted);
            watch.close();
        }
    }

    @Test
    @DisplayName("a lease revoked behind the holder's back is reported lost at its next keep-alive")
    void revokedElsewhere() throws Exception {
        KvLease lease = join(client.grantLease(Duration.ofSeconds(3)));
        CompletableFuture<Void> lost = new CompletableFuture<>();
        lease.onLost(() -> lost.complete(null));
        ETCD.server().etcdctl("lease", "revoke", Long.toHexString(lease.id()));
        lost.get(3, TimeUnit.SECONDS);
        assertThat(lease.isActive()).isFalse();
    }

    @Test
    @DisplayName("closing a client revokes its leases: their keys go at once, not a TTL later")
    void closeRevokes() {
        KvStoreClient other = create(ETCD.address(), Duration.ofSeconds(5));
        KvLease lease = join(other.grantLease(Duration.ofSeconds(60)));
        join(other.put(ns + "k", V, lease));
        other.close();
        assertThat(exists(ns + "k")).isFalse();
    }

    @Test
    @DisplayName("a TTL under 2 s or not in whole seconds is refused")
    void badTtl() {
        assertThatThrownBy(() -> client.grantLease(Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.grantLease(Duration.ofMillis(2500)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** etcd's count of LeaseKeepAlive streams opened, from its Prometheus metrics. */
    private static long keepAliveStreamsStarted() throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + ETCD.address() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return metrics.lines()
                .filter(l -> l.startsWith("grpc_server_started_total{") && l.contains("grpc_method=\"LeaseKeepAlive\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
