package dev.kvstore.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvValueTooLargeException;
import dev.kvstore.KvWatch;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.FreePorts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The etcd client against a real etcd: what the conformance kit does not reach. */
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
    @DisplayName("put, get, exists, delete round-trip with etcd's per-key version")
    void roundTripWithVersions() {
        String key = ns + "a";
        assertThat(join(client.get(key))).isEmpty();
        assertThat(join(client.exists(key))).isFalse();
        join(client.put(key, "one".getBytes(UTF_8)));
        join(client.put(key, "two".getBytes(UTF_8)));
        KvPair pair = join(client.get(key)).orElseThrow();
        assertThat(pair.key()).isEqualTo(key);
        assertThat(pair.valueAsString()).isEqualTo("two");
        assertThat(pair.version()).isEqualTo(2);
        assertThat(join(client.exists(key))).isTrue();
        join(client.delete(key));
        join(client.delete(key));
        assertThat(join(client.get(key))).isEmpty();
        join(client.put(key, new byte[0]));
        assertThat(join(client.get(key)).orElseThrow()).satisfies(p -> {
            assertThat(p.version()).isEqualTo(1);
            assertThat(p.value()).isEmpty();
        });
        assertThat(client.capabilities()).containsExactlyInAnyOrder(KvCapability.VERSIONS, KvCapability.EVERY_WRITE_EVENT);
    }

    @Test
    @DisplayName("list, listKeys and deleteWithPrefix use a raw string prefix")
    void prefixes() {
        for (String k : List.of("key4", "key4/a", "key40", "key5", "key3", "kex")) {
            join(client.put(ns + k, k.getBytes(UTF_8)));
        }
        Map<String, KvPair> listed = join(client.list(ns + "key4"));
        assertThat(listed.keySet()).containsExactly(ns + "key4", ns + "key4/a", ns + "key40");
        assertThat(listed.get(ns + "key4/a").valueAsString()).isEqualTo("key4/a");
        assertThat(join(client.listKeys(ns + "key4"))).containsExactly(ns + "key4", ns + "key4/a", ns + "key40");
        assertThat(join(client.list(ns + "nothing"))).isEmpty();
        join(client.deleteWithPrefix(ns + "key4"));
        assertThat(join(client.listKeys(ns))).containsExactly(ns + "kex", ns + "key3", ns + "key5");
    }

    @Test
    @DisplayName("the empty prefix means every key")
    void emptyPrefix() {
        join(client.put(ns + "x", new byte[] {1}));
        assertThat(join(client.listKeys(""))).contains(ns + "x");
        assertThat(join(client.list(""))).containsKey(ns + "x");
    }

    @Test
    @DisplayName("odd keys and any bytes round-trip, and a key of 512 UTF-8 bytes is accepted")
    void oddKeys() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        for (String k : List.of("* ? [ ] \\ : % . .. // /", "/lead", "trail/", "ünï cødé ✓ 𝄞", "a".repeat(512 - ns.length()))) {
            join(client.put(ns + k, all));
            assertThat(join(client.get(ns + k)).orElseThrow().value()).isEqualTo(all);
            assertThat(join(client.listKeys(ns + k))).contains(ns + k);
        }
    }

    @Test
    @DisplayName("a value over the limit is refused before sending; one at the limit is stored")
    void valueLimit() {
        long limit = client.maxValueSize();
        assertThat(limit).isEqualTo(EtcdOptions.DEFAULT_MAX_REQUEST_BYTES - EtcdSettings.REQUEST_OVERHEAD);
        String key = ns + "b".repeat(512 - ns.length());
        assertThatThrownBy(() -> client.put(key, new byte[(int) limit + 1]))
                .isInstanceOf(KvValueTooLargeException.class).hasMessageContaining(String.valueOf(limit));
        assertThat(join(client.exists(key))).isFalse();
        join(client.put(key, new byte[(int) limit]));
        assertThat(join(client.get(key)).orElseThrow().valueSize()).isEqualTo((int) limit);
    }

    @Test
    @DisplayName("a put made right after watch() completes is seen; every write, in order, with versions")
    void watchSeesEveryWrite() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        KvWatch watch = join(client.watch(ns + "w", false, events::add));
        for (int i = 1; i <= 20; i++) {
            join(client.put(ns + "w", ("v" + i).getBytes(UTF_8)));
        }
        join(client.put(ns + "w2", new byte[0])); // not covered by an exact watch
        join(client.delete(ns + "w"));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 21);
        assertThat(events).hasSize(21);
        for (int i = 1; i <= 20; i++) {
            assertThat(events.get(i - 1)).isEqualTo(KvEvent.put(ns + "w", ("v" + i).getBytes(UTF_8), i));
        }
        assertThat(events.get(20)).isEqualTo(KvEvent.delete(ns + "w"));
        watch.close();
        assertThat(watch.isOpen()).isFalse();
    }

    @Test
    @DisplayName("a prefix watch sees every key under the prefix, deleteWithPrefix included, and nothing after close")
    void prefixWatch() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        KvWatch watch = join(client.watch(ns + "p", true, events::add));
        join(client.put(ns + "p/1", new byte[] {1}));
        join(client.put(ns + "p2", new byte[] {2}));
        join(client.put(ns + "q", new byte[] {3}));
        join(client.deleteWithPrefix(ns + "p"));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 4);
        assertThat(events).extracting(KvEvent::type, KvEvent::key).containsExactly(
                org.assertj.core.groups.Tuple.tuple(EventType.PUT, ns + "p/1"),
                org.assertj.core.groups.Tuple.tuple(EventType.PUT, ns + "p2"),
                org.assertj.core.groups.Tuple.tuple(EventType.DELETE, ns + "p/1"),
                org.assertj.core.groups.Tuple.tuple(EventType.DELETE, ns + "p2"));
        watch.close();
        join(client.put(ns + "p/after", new byte[0]));
        List<KvEvent> seen = List.copyOf(events);
        // a second watch proves the put went through before we look again
        List<KvEvent> other = new CopyOnWriteArrayList<>();
        KvWatch second = join(client.watch(ns + "p", true, other::add));
        join(client.put(ns + "p/again", new byte[0]));
        await().atMost(Duration.ofSeconds(10)).until(() -> !other.isEmpty());
        assertThat(events).isEqualTo(seen);
        second.close();
    }

    @Test
    @DisplayName("a watch whose resume revision was compacted reports UNKNOWN and goes on from the current state")
    void compactedRevision() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        try (TcpProxy proxy = TcpProxy.start(etcd.address());
                KvStoreClient viaProxy = new EtcdKvStoreProvider().create(config(proxy.address()).build())) {
            KvWatch watch = join(viaProxy.watch(ns + "c", true, events::add));
            join(client.put(ns + "c/1", new byte[] {1}));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
            assertThat(events.get(1).type()).isEqualTo(EventType.CONNECTION_DOWN);
            // written while the watch is away, then compacted: the watch cannot replay it
            join(client.put(ns + "c/2", new byte[] {2}));
            join(client.put(ns + "c/2", new byte[] {2}));
            long revision = join(((EtcdKvStoreClient) client).currentRevision());
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
                KvStoreClient viaProxy = new EtcdKvStoreProvider().create(config(proxy.address()).build())) {
            KvWatch watch = join(viaProxy.watch(ns + "r", true, events::add));
            join(client.put(ns + "r/1", new byte[] {1}));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
            for (int i = 2; i <= 5; i++) {
                join(client.put(ns + "r/" + i, new byte[] {(byte) i}));
            }
            assertThatThrownBy(() -> join(viaProxy.get(ns + "r/1"))).hasCauseInstanceOf(KvStoreUnavailableException.class);
            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 6);
            assertThat(events).extracting(KvEvent::type).containsExactly(EventType.PUT, EventType.CONNECTION_DOWN,
                    EventType.PUT, EventType.PUT, EventType.PUT, EventType.PUT);
            assertThat(events.subList(2, 6)).extracting(KvEvent::key)
                    .containsExactly(ns + "r/2", ns + "r/3", ns + "r/4", ns + "r/5");
            join(viaProxy.put(ns + "r/6", new byte[0]));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 7);
            watch.close();
        }
    }

    @Test
    @DisplayName("isConnectionUp answers true against a live etcd")
    void connectionUp() {
        assertThat(join(client.isConnectionUp())).isTrue();
    }

    @Test
    @DisplayName("against a closed port: create succeeds, operations fail within the timeout as unavailable")
    void unreachable() {
        try (KvStoreClient dead = new EtcdKvStoreProvider().create(
                config("127.0.0.1:" + FreePorts.closedPort()).timeout(Duration.ofMillis(700)).build())) {
            long start = System.nanoTime();
            assertThat(join(dead.isConnectionUp())).isFalse();
            assertThatThrownBy(() -> join(dead.get("k"))).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> join(dead.put("k", new byte[0]))).hasCauseInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> join(dead.list("k"))).hasCauseInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> join(dead.watch("k", true, e -> { })))
                    .hasCauseInstanceOf(KvStoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    @DisplayName("after close, operations fail with KvStoreException and watches are closed")
    void closed() {
        KvWatch watch = join(client.watch(ns, true, e -> { }));
        client.close();
        client.close();
        assertThat(watch.isOpen()).isFalse();
        assertThatThrownBy(() -> join(client.get(ns + "k"))).hasCauseInstanceOf(KvStoreException.class);
        assertThat(join(client.isConnectionUp())).isFalse();
        assertThat(Optional.of(client.toString())).get().asString().contains("closed");
    }
}
