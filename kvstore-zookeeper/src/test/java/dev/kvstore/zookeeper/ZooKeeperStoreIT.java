package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvValueTooLargeException;
import dev.kvstore.KvWatch;
import dev.kvstore.testing.FreePorts;
import dev.kvstore.testing.ZooKeeperServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What is particular to the ZooKeeper store, against a real in-process ZooKeeper. */
class ZooKeeperStoreIT {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static ZooKeeperServer server;

    private KvStoreClient client;
    private String ns;

    @BeforeAll
    static void startServer() {
        server = ZooKeeperServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void connect() {
        client = new ZooKeeperKvStoreProvider().create(config().build());
        ns = "it" + NAMESPACES.incrementAndGet() + "/";
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static KvStoreConfig.Builder config() {
        return KvStoreConfig.builder()
                .storeType("zookeeper")
                .address(server.address())
                .timeout(Duration.ofSeconds(5));
    }

    private void put(String key, String value) {
        client.put(ns + key, value.getBytes(StandardCharsets.UTF_8)).join();
    }

    private Optional<KvPair> get(String key) {
        return client.get(ns + key).join();
    }

    private long version(String key) {
        return get(key).orElseThrow().version();
    }

    @Test
    @DisplayName("versions: 1 on create, +1 per put, 1 again after delete")
    void versions() {
        put("k", "1");
        put("k", "2");
        assertThat(get("k"))
                .get()
                .extracting(KvPair::version, KvPair::valueAsString)
                .containsExactly(2L, "2");
        client.delete(ns + "k").join();
        assertThat(get("k")).isEmpty();
        put("k", "3");
        assertThat(version("k")).isEqualTo(1);
    }

    @Test
    @DisplayName("a key and a key below it live independently; containers are never keys")
    void keyWithChildren() {
        put("a/b/c", "abc");
        assertThat(get("a")).isEmpty();
        assertThat(get("a/b")).isEmpty();
        assertThat(client.exists(ns + "a").join()).isFalse();
        assertThat(client.listKeys(ns).join()).containsExactly(ns + "a/b/c");

        put("a", "A"); // a container becomes a key
        assertThat(get("a"))
                .get()
                .extracting(KvPair::version, KvPair::valueAsString)
                .containsExactly(1L, "A");
        put("a", "A2");
        assertThat(version("a")).isEqualTo(2);

        client.delete(ns + "a").join(); // keeps a/b/c
        assertThat(get("a")).isEmpty();
        assertThat(get("a/b/c")).get().extracting(KvPair::valueAsString).isEqualTo("abc");
        assertThat(client.listKeys(ns).join()).containsExactly(ns + "a/b/c");

        put("a", "again"); // re-converted: the version starts again at 1
        assertThat(version("a")).isEqualTo(1);
        put("a", "again2");
        assertThat(version("a")).isEqualTo(2);
        assertThat(client.list(ns).join().keySet()).containsExactly(ns + "a", ns + "a/b/c");

        client.delete(ns + "a/b/c").join();
        assertThat(get("a")).get().extracting(KvPair::valueAsString).isEqualTo("again2");
        assertThat(version("a")).isEqualTo(2);
        client.delete(ns + "a").join();
        put("a", "fresh");
        assertThat(version("a")).isEqualTo(1);
    }

    @Test
    @DisplayName("concurrent puts and deletes of a key that has children all succeed and settle")
    void concurrentConversions() {
        put("c/child", "kept");
        List<java.util.concurrent.CompletableFuture<Void>> ops = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ops.add(
                    i % 3 == 2
                            ? client.delete(ns + "c")
                            : client.put(ns + "c", ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        java.util.concurrent.CompletableFuture.allOf(ops.toArray(java.util.concurrent.CompletableFuture[]::new))
                .join();
        client.delete(ns + "c").join();
        assertThat(get("c")).isEmpty();
        put("c", "final");
        assertThat(get("c"))
                .get()
                .extracting(KvPair::valueAsString, KvPair::version)
                .containsExactly("final", 1L);
        assertThat(get("c/child")).get().extracting(KvPair::valueAsString).isEqualTo("kept");
        assertThat(client.listKeys(ns).join()).containsExactly(ns + "c", ns + "c/child");
    }

    @Test
    @DisplayName("a prefix is a raw string prefix: key4 finds key4, key4/x and key40")
    void rawPrefix() {
        for (String k : List.of("key4", "key4/x", "key40", "key5", "key", "ke/y4")) {
            put(k, k);
        }
        assertThat(client.listKeys(ns + "key4").join()).containsExactly(ns + "key4", ns + "key4/x", ns + "key40");
        assertThat(client.listKeys(ns + "key4/").join()).containsExactly(ns + "key4/x");
        assertThat(client.listKeys(ns + "ke").join()).hasSize(6);
        assertThat(client.list(ns + "nothing").join()).isEmpty();
        client.deleteWithPrefix(ns + "key4").join();
        assertThat(client.listKeys(ns).join()).containsExactly(ns + "ke/y4", ns + "key", ns + "key5");
    }

    @Test
    @DisplayName("hostile keys round-trip, and list returns them as given")
    void hostileKeys() {
        List<String> keys = List.of(
                "*",
                "?",
                "[",
                "]",
                "\\",
                ":",
                "%",
                "%25",
                ".",
                "..",
                "a//b",
                "/lead",
                "trail/",
                "/",
                "with space",
                "é中文",
                "\uD83D\uDE00",
                "ctl\u0001",
                "x/./y",
                "x/../y",
                "zookeeper");
        for (String k : keys) {
            put(k, "v" + k);
        }
        for (String k : keys) {
            assertThat(get(k)).as(k).get().extracting(KvPair::valueAsString).isEqualTo("v" + k);
        }
        Map<String, KvPair> all = client.list(ns).join();
        assertThat(all.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        keys.stream().map(k -> ns + k).toList());
        assertThat(client.listKeys(ns + "/").join()).containsExactly(ns + "/", ns + "/lead");
    }

    @Test
    @DisplayName("empty values are values; values over the limit are refused before sending")
    void values() {
        client.put(ns + "empty", new byte[0]).join();
        assertThat(get("empty")).get().extracting(KvPair::valueSize).isEqualTo(0);
        assertThat(client.exists(ns + "empty").join()).isTrue();

        byte[] big = new byte[(int) client.maxValueSize()];
        big[big.length - 1] = 7;
        client.put(ns + "big", big).join();
        assertThat(get("big").orElseThrow().value()).isEqualTo(big);
        assertThatThrownBy(() -> client.put(ns + "huge", new byte[big.length + 1]))
                .isInstanceOf(KvValueTooLargeException.class)
                .hasMessageContaining(String.valueOf(big.length));
        assertThat(get("huge")).isEmpty();
    }

    @Test
    @DisplayName("zkCli.sh shows a key at /kvstore/<key> with the value's bytes")
    void zkCliInterop() {
        put("service/voltha/x", "hello zk");
        String out = server.zkCli("get", "/kvstore/" + ns + "service/voltha/x");
        assertThat(out).contains("hello zk");
    }

    @Test
    @DisplayName("root-path=/ puts keys at the top of the tree and never reports ZooKeeper's own /zookeeper")
    void rootAtTop() {
        String top = "top" + NAMESPACES.incrementAndGet();
        try (KvStoreClient atTop = new ZooKeeperKvStoreProvider()
                .create(config().option(ZooKeeperOptions.ROOT_PATH, "/").build())) {
            atTop.put(top + "/k", "v".getBytes(StandardCharsets.UTF_8)).join();
            atTop.put("zookeeper", "mine".getBytes(StandardCharsets.UTF_8)).join();
            assertThat(server.zkCli("get", "/" + top + "/k")).contains("v");
            assertThat(server.zkCli("get", "/%zookeeper")).contains("mine");
            assertThat(atTop.get("zookeeper").join())
                    .get()
                    .extracting(KvPair::valueAsString)
                    .isEqualTo("mine");
            assertThat(atTop.listKeys("zoo").join()).containsExactly("zookeeper");
            assertThat(atTop.listKeys("").join())
                    .contains(top + "/k", "zookeeper")
                    .noneMatch(k -> k.startsWith("zookeeper/"));
            atTop.delete("zookeeper").join();
            atTop.deleteWithPrefix(top).join();
            assertThat(atTop.listKeys(top).join()).isEmpty();
        }
    }

    @Test
    @DisplayName("a prefix watch sees puts and deletes with decoded keys, not containers")
    void prefixWatch() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        KvWatch w = client.watch(ns + "w/", true, events::add).join();
        put("w/a/b", "1"); // creates the container w/a
        put("w/a/b", "2");
        put("w/a", "A");
        put("wx", "outside");
        client.delete(ns + "w/a/b").join();
        client.delete(ns + "w/a").join();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.size() >= 4 && events.get(events.size() - 1).equals(KvEvent.delete(ns + "w/a")));
        assertThat(events).allSatisfy(e -> assertThat(e.key()).startsWith(ns + "w/"));
        assertThat(events).filteredOn(e -> e.key().equals(ns + "w/a/b")).last().isEqualTo(KvEvent.delete(ns + "w/a/b"));
        assertThat(events)
                .filteredOn(e -> e.key().equals(ns + "w/a") && e.type() == EventType.PUT)
                .extracting(KvEvent::valueAsString)
                .containsExactly("A");
        w.close();
        assertThat(w.isOpen()).isFalse();
    }

    @Test
    @DisplayName("a key watch sees that key only, and is active when watch() returns")
    void keyWatch() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        client.watch(ns + "k", false, events::add).join();
        put("k", "1");
        put("k/child", "c");
        put("k2", "no");
        put("k", "2");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !events.isEmpty()
                        && events.get(events.size() - 1).valueAsString().equals("2"));
        assertThat(events).allSatisfy(e -> assertThat(e.key()).isEqualTo(ns + "k"));
        assertThat(events.get(events.size() - 1).version()).isEqualTo(2);
    }

    @Test
    @DisplayName(
            "after the session expires the watch is added again on the new session, with CONNECTION_DOWN then UNKNOWN")
    void sessionExpiry() throws Exception {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        List<KvEvent> keyEvents = new CopyOnWriteArrayList<>();
        put("s/k", "before");
        client.watch(ns + "s/", true, events::add).join();
        client.watch(ns + "s/k", false, keyEvents::add).join();
        long session = ((ZooKeeperKvStoreClient) client)
                .curator()
                .getZookeeperClient()
                .getZooKeeper()
                .getSessionId();
        ((ZooKeeperKvStoreClient) client)
                .curator()
                .getZookeeperClient()
                .getZooKeeper()
                .getTestable()
                .injectSessionExpiration();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> events.stream().anyMatch(e -> e.type() == EventType.UNKNOWN));
        assertThat(events.get(0).type()).isEqualTo(EventType.CONNECTION_DOWN);
        assertThat(events.stream()
                        .filter(e -> e.type() == EventType.CONNECTION_DOWN)
                        .count())
                .isEqualTo(1);
        assertThat(((ZooKeeperKvStoreClient) client)
                        .curator()
                        .getZookeeperClient()
                        .getZooKeeper()
                        .getSessionId())
                .isNotEqualTo(session);
        // A key watch re-reads its key after UNKNOWN.
        await().atMost(Duration.ofSeconds(10)).until(() -> keyEvents.size() >= 3);
        assertThat(keyEvents.subList(0, 3))
                .extracting(KvEvent::type)
                .containsExactly(EventType.CONNECTION_DOWN, EventType.UNKNOWN, EventType.PUT);
        assertThat(keyEvents.get(2).valueAsString()).isEqualTo("before");
        put("s/after", "seen");
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        events.stream().anyMatch(e -> e.key().equals(ns + "s/after") && e.type() == EventType.PUT));
    }

    @Test
    @DisplayName("with digest credentials, other clients can neither read nor write")
    void digestAcl() throws Exception {
        try (KvStoreClient secure = new ZooKeeperKvStoreProvider()
                        .create(config().option(ZooKeeperOptions.USERNAME, "alice")
                                .option(ZooKeeperOptions.PASSWORD, "s3cret")
                                .option(ZooKeeperOptions.ROOT_PATH, "/secure")
                                .build());
                CuratorFramework other = CuratorFrameworkFactory.newClient(server.address(), new RetryOneTime(10))) {
            secure.put("x/y", "private".getBytes(StandardCharsets.UTF_8)).join();
            secure.put("x", "p".getBytes(StandardCharsets.UTF_8)).join();
            assertThat(secure.get("x/y").join())
                    .get()
                    .extracting(KvPair::valueAsString)
                    .isEqualTo("private");
            assertThat(secure.get("x").join()).get().extracting(KvPair::version).isEqualTo(1L);
            other.start();
            assertThatThrownBy(() -> other.getData().forPath("/secure/x/y"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> other.setData().forPath("/secure/x/y", new byte[1]))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThat(secure.toString()).doesNotContain("s3cret");
        }
    }

    @Test
    @DisplayName("an unreachable ZooKeeper: create does not block, operations fail within the timeout")
    void unreachable() {
        int port = FreePorts.closedPort();
        long start = System.nanoTime();
        try (KvStoreClient down = new ZooKeeperKvStoreProvider()
                .create(KvStoreConfig.builder()
                        .storeType("zookeeper")
                        .address("127.0.0.1:" + port)
                        .timeout(Duration.ofSeconds(1))
                        .build())) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThatThrownBy(() -> down.get("k").join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> down.put("k", new byte[1]).join())
                    .hasCauseInstanceOf(KvStoreUnavailableException.class);
            assertThat(down.isConnectionUp().join()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    @DisplayName("isConnectionUp answers true against a live server; a closed client fails operations")
    void liveness() {
        assertThat(client.isConnectionUp().join()).isTrue();
        client.close();
        assertThatThrownBy(() -> client.get("k").join()).hasCauseInstanceOf(KvStoreException.class);
        assertThat(client.isConnectionUp().join()).isFalse();
    }
}
