package dev.kvstore.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvValueTooLargeException;
import dev.kvstore.KvWatch;
import dev.kvstore.WatchOptions;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.TcpProxy;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The etcd client against a real etcd: what the conformance kit ({@link EtcdCompatibilityIT}) does
 * not reach: the value limit derived from etcd's request limit, resuming watches by revision, compaction.
 */
class EtcdClientIT {

    private static EtcdServer etcd;
    private KvStoreClient client;
    private String ns;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @BeforeEach
    void connect() {
        client = new EtcdKvStoreProvider().create(config(etcd.address()).build());
        ns = "client-it/" + UUID.randomUUID() + "/";
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    static KvStoreConfig.Builder config(String address) {
        return KvStoreConfig.builder().storeType("etcd").address(address).timeout(Duration.ofSeconds(5));
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        return f.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    @DisplayName("a value over the limit is refused before sending; one at the limit is stored")
    void valueLimit() {
        long limit = client.maxValueSize();
        assertThat(limit).isEqualTo(EtcdOptions.DEFAULT_MAX_REQUEST_BYTES - EtcdSettings.REQUEST_OVERHEAD);
        String key = ns + "b".repeat(KvStoreClient.MAX_FULL_KEY_BYTES - ns.length()); // the longest full key
        assertThatThrownBy(() -> client.put(key, new byte[(int) limit + 1]))
                .isInstanceOf(KvValueTooLargeException.class)
                .hasMessageContaining(String.valueOf(limit));
        assertThat(join(client.exists(key))).isFalse();
        join(client.put(key, new byte[(int) limit]));
        assertThat(join(client.get(key)).orElseThrow().valueSize()).isEqualTo((int) limit);
    }

    @Test
    @DisplayName("a watch whose resume revision was compacted reports UNKNOWN and goes on from the current state")
    void compactedRevision() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        try (TcpProxy proxy = TcpProxy.start(etcd.address());
                KvStoreClient viaProxy =
                        new EtcdKvStoreProvider().create(config(proxy.address()).build())) {
            KvWatch watch = join(viaProxy.watch(ns + "c", true, events::add));
            join(client.put(ns + "c/1", new byte[] {1}));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
            assertThat(events.get(1).type()).isEqualTo(EventType.CONNECTION_DOWN);
            // written while the watch is away, then compacted: the watch cannot replay it
            join(client.put(ns + "c/2", new byte[] {2}));
            join(client.put(ns + "c/2", new byte[] {2}));
            long revision = join(((EtcdKvStoreClient) client).currentRevision(ns));
            etcd.etcdctl("compaction", String.valueOf(revision));
            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 3);
            assertThat(events.get(2).type()).isEqualTo(EventType.UNKNOWN);
            join(client.put(ns + "c/3", new byte[] {3}));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 4);
            assertThat(events.get(3)).isEqualTo(KvEvent.put(ns + "c/3", new byte[] {3}, 1));
            assertThat(events).hasSize(4);
            watch.close();
        }
    }

    @Test
    @DisplayName("after a lost connection a watch reports CONNECTION_DOWN once and replays what it missed")
    void resumesByRevision() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        try (TcpProxy proxy = TcpProxy.start(etcd.address());
                KvStoreClient viaProxy =
                        new EtcdKvStoreProvider().create(config(proxy.address()).build())) {
            KvWatch watch = join(viaProxy.watch(ns + "r", true, events::add));
            join(client.put(ns + "r/1", new byte[] {1}));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
            for (int i = 2; i <= 5; i++) {
                join(client.put(ns + "r/" + i, new byte[] {(byte) i}));
            }
            assertThatThrownBy(() -> join(viaProxy.get(ns + "r/1")))
                    .hasCauseInstanceOf(KvStoreUnavailableException.class);
            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 6);
            assertThat(events)
                    .extracting(KvEvent::type)
                    .containsExactly(
                            EventType.PUT,
                            EventType.CONNECTION_DOWN,
                            EventType.PUT,
                            EventType.PUT,
                            EventType.PUT,
                            EventType.PUT);
            assertThat(events.subList(2, 6))
                    .extracting(KvEvent::key)
                    .containsExactly(ns + "r/2", ns + "r/3", ns + "r/4", ns + "r/5");
            join(viaProxy.put(ns + "r/6", new byte[0]));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 7);
            watch.close();
        }
    }

    @Test
    @DisplayName("WatchOptions.fromRevision replays every change since that revision; a compacted one is a gap "
            + "that the watch resyncs (current state, then SYNCED)")
    void fromRevision() {
        long first = join(((EtcdKvStoreClient) client).currentRevision(ns)) + 1;
        join(client.put(ns + "h/a", new byte[] {1}));
        join(client.put(ns + "h/a", new byte[] {2}));
        join(client.delete(ns + "h/a"));
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        WatchOptions from = WatchOptions.defaults().withFromRevision(first);
        KvWatch watch = join(client.watch(ns + "h/", true, events::add, from));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
        assertThat(events).extracting(KvEvent::type).containsExactly(EventType.PUT, EventType.PUT, EventType.DELETE);
        assertThat(events.get(1).value()).containsExactly(2);
        join(client.put(ns + "h/b", new byte[] {3}));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 4);
        watch.close();

        etcd.etcdctl("compaction", String.valueOf(join(((EtcdKvStoreClient) client).currentRevision(ns))));
        List<KvEvent> resynced = new CopyOnWriteArrayList<>();
        KvWatch late = join(client.watch(ns + "h/", true, resynced::add, from));
        await().atMost(Duration.ofSeconds(10)).until(() -> resynced.size() == 2);
        assertThat(resynced).extracting(KvEvent::type).containsExactly(EventType.PUT, EventType.SYNCED);
        assertThat(resynced.get(0).key()).isEqualTo(ns + "h/b");
        late.close();
    }

    @Test
    @DisplayName("a closed watch is not kept alive by jetcd, which keeps every closed watcher's stream open")
    void closedWatchIsCollected() {
        join(client.put(ns + "c/k", new byte[] {1}));
        List<WeakReference<Object>> listeners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            listeners.add(openAndClose(WatchOptions.defaults().withInitialState(true)));
            listeners.add(openAndClose(WatchOptions.defaults()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            return listeners.stream().allMatch(r -> r.get() == null);
        });
    }

    /** Opens a watch whose listener holds an object only it references, closes it, returns a weak reference to that object. */
    private WeakReference<Object> openAndClose(WatchOptions options) {
        Object held = new Object();
        List<KvEvent> seen = new CopyOnWriteArrayList<>();
        KvWatch watch = join(client.watch(
                ns + "c/",
                true,
                e -> {
                    if (e.valueAsString().equals(held.toString())) {
                        seen.add(e);
                    }
                },
                options));
        join(client.put(ns + "c/k", held.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        watch.close();
        return new WeakReference<>(held);
    }

    @Test
    @DisplayName("after close, operations fail with KvStoreException and watches are closed")
    void closed() {
        KvWatch watch = join(client.watch(ns, true, e -> {}));
        client.close();
        client.close();
        assertThat(watch.isOpen()).isFalse();
        assertThatThrownBy(() -> join(client.get(ns + "k"))).hasCauseInstanceOf(KvStoreException.class);
        assertThat(join(client.isConnectionUp())).isFalse();
        assertThat(Optional.of(client.toString())).get().asString().contains("closed");
    }
}
