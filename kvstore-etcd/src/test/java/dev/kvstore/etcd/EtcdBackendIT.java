package dev.kvstore.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.FreePorts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Backend tests of the Go library this follows, ported: a Backend on a live etcd, and one on a dead address. */
class EtcdBackendIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEAD_TIMEOUT = Duration.ofMillis(500);

    private static EtcdServer etcd;
    private Backend live;
    private Backend dead;
    private String prefix;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @BeforeEach
    void create() {
        prefix = "backend-it/" + UUID.randomUUID();
        live = Backend.create("etcd", etcd.address(), TIMEOUT, prefix);
        dead = Backend.create("etcd", "127.0.0.1:" + FreePorts.closedPort(), DEAD_TIMEOUT, prefix);
    }

    @AfterEach
    void close() {
        live.close();
        dead.close();
    }

    @Test
    @DisplayName("a new Backend keeps the fields it was given")
    void fields() {
        assertThat(live.storeType()).isEqualTo("etcd");
        assertThat(live.address()).isEqualTo(etcd.address());
        assertThat(live.timeout()).isEqualTo(TIMEOUT);
        assertThat(live.pathPrefix()).isEqualTo(prefix);
        assertThat(live.client()).isNotNull();
    }

    @Test
    @DisplayName("keys are joined to the path prefix with a slash, as the Go library's makePath")
    void pathJoin() {
        try (Backend b = Backend.create("etcd", etcd.address(), TIMEOUT, "Prefix")) {
            assertThat(b.fullKey("Suffix")).isEqualTo("Prefix/Suffix");
        }
    }

    @Test
    @DisplayName("liveness check: true with a live etcd, false with a dead address")
    void livenessCheck() {
        assertThat(live.performLivenessCheck()).isTrue();
        assertThat(live.isAlive()).isTrue();
        assertThat(dead.performLivenessCheck()).isFalse();
        assertThat(dead.isAlive()).isFalse();
    }

    @Test
    @DisplayName("the liveness channel's first value: false before any check, true after one")
    void livenessChannelFirstValue() throws InterruptedException {
        assertThat(live.enableLivenessChannel().poll(5, TimeUnit.SECONDS)).isFalse();
        try (Backend checked = Backend.create("etcd", etcd.address(), TIMEOUT, prefix)) {
            assertThat(checked.performLivenessCheck()).isTrue();
            assertThat(checked.enableLivenessChannel().poll(5, TimeUnit.SECONDS))
                    .isTrue();
        }
    }

    @Test
    @DisplayName("put, get and delete against the live server")
    void putGetDelete() {
        live.put("key1", "value1");
        KvPair pair = live.get("key1").orElseThrow();
        assertThat(pair.key()).isEqualTo(prefix + "/key1");
        assertThat(pair.valueAsString()).isEqualTo("value1");
        assertThat(pair.version()).isEqualTo(1);
        assertThat(live.isAlive()).isTrue();
        live.delete("key1");
        assertThat(live.get("key1")).isEmpty();
        assertThat(live.exists("key1")).isFalse();
    }

    @Test
    @DisplayName("list of key4 returns its children keyed by full path")
    void listByFullPath() {
        live.put("key4/a", "1");
        live.put("key4/b", "2".getBytes(UTF_8));
        live.put("key5", "3");
        Map<String, KvPair> children = live.list("key4");
        assertThat(children).containsOnlyKeys(prefix + "/key4/a", prefix + "/key4/b");
        assertThat(children.get(prefix + "/key4/b").valueAsString()).isEqualTo("2");
        assertThat(live.listKeys("key4")).containsExactly(prefix + "/key4/a", prefix + "/key4/b");
        live.deleteWithPrefix("key4");
        assertThat(live.list("key4")).isEmpty();
    }

    @Test
    @DisplayName("a watch sees a put made right after createWatch returns, and nothing after deleteWatch")
    void watch() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        KvWatch watch = live.createWatch("w", false, events::add);
        live.put("w", "v1");
        live.delete("w");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
        assertThat(events)
                .containsExactly(KvEvent.put(prefix + "/w", "v1".getBytes(UTF_8), 1), KvEvent.delete(prefix + "/w"));
        live.deleteWatch(watch);
        assertThat(watch.isOpen()).isFalse();
    }

    @Test
    @DisplayName("against a dead address every operation fails within the timeout and the Backend is not alive")
    void deadAddress() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> dead.put("k", "v")).isInstanceOf(KvStoreUnavailableException.class);
        assertThatThrownBy(() -> dead.get("k")).isInstanceOf(KvStoreUnavailableException.class);
        assertThatThrownBy(() -> dead.delete("k")).isInstanceOf(KvStoreUnavailableException.class);
        assertThatThrownBy(() -> dead.list("k")).isInstanceOf(KvStoreUnavailableException.class);
        assertThatThrownBy(() -> dead.createWatch("k", true, e -> {})).isInstanceOf(KvStoreUnavailableException.class);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsedMillis).as("5 operations of %s each", DEAD_TIMEOUT).isLessThan(5 * 500 + 2_000);
        assertThat(dead.isAlive()).isFalse();
    }

    @Test
    @DisplayName("events carry the full stored key with the prefix")
    void prefixWatch() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        KvWatch watch = live.createWatch("dir/", true, events::add);
        live.put("dir/x", "1");
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
        assertThat(events.get(0).type()).isEqualTo(EventType.PUT);
        assertThat(events.get(0).key()).isEqualTo(prefix + "/dir/x");
        watch.close();
    }
}
