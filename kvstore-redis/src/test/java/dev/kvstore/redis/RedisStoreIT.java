package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
import dev.kvstore.spi.SnapshotReads;
import dev.kvstore.testing.FreePorts;
import dev.kvstore.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Redis-specific behaviour: restart, keyspace-notification setup, expiry, ACL, a store that is down. */
class RedisStoreIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static RedisServer redis;

    private String ns;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void namespace() {
        ns = "it-" + UUID.randomUUID();
        if (!redis.isRunning()) {
            redis.restart();
        }
    }

    private Backend backend() {
        return Backend.create("redis", redis.address(), TIMEOUT, ns);
    }

    @Test
    @DisplayName(
            "restart: watch gets CONNECTION_DOWN, ops fail within the timeout, liveness follows, the same watch resumes with UNKNOWN")
    void restart() {
        try (Backend b = backend()) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            KvWatch watch = b.createWatch(
                    "r/", true, events::add, WatchOptions.defaults().withResync(false));
            b.put("r/before", "1");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> events.stream().anyMatch(e -> e.key().endsWith("r/before")));
            assertThat(b.performLivenessCheck()).isTrue();

            redis.stop();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> events.stream().anyMatch(e -> e.type() == EventType.CONNECTION_DOWN));
            long start = System.nanoTime();
            assertThatThrownBy(() -> b.put("r/during", "2")).isInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> b.get("r/before")).isInstanceOf(KvStoreUnavailableException.class);
            assertThat(b.performLivenessCheck()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(TIMEOUT.multipliedBy(3).plusSeconds(1));
            assertThat(b.isAlive()).isFalse();

            redis.restart();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.stream().anyMatch(e -> e.type() == EventType.UNKNOWN));
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(b::performLivenessCheck);
            b.put("r/after", "3");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> events.stream()
                            .anyMatch(e -> e.type() == EventType.PUT && e.key().endsWith("r/after")));
            assertThat(b.get("r/before"))
                    .hasValueSatisfying(p -> assertThat(p.valueAsString()).isEqualTo("1"));
            assertThat(events.stream().filter(e -> e.type() == EventType.CONNECTION_DOWN))
                    .hasSize(1);
            assertThat(watch.isOpen()).isTrue();
            b.deleteWatch(watch);
        }
    }

    @Test
    @DisplayName(
            "a watch's snapshots read the keys without their lease keys: list's keys and values, leases 0; the initial state has every key")
    void snapshotsWithoutLeases() {
        try (Backend b = backend()) {
            KvLease lease = b.grantLease(Duration.ofSeconds(30));
            b.put("s/a", "1");
            b.put("s/b", "2".getBytes(StandardCharsets.UTF_8), lease);
            b.put("s/c", "3");
            Map<String, KvPair> listed = b.client().list(ns).join();
            Map<String, KvPair> read =
                    ((SnapshotReads) b.client()).listWithoutLeases(ns).join();
            assertThat(listed).hasSize(3);
            assertThat(listed.values()).extracting(KvPair::lease).contains(lease.id());
            assertThat(read.keySet()).containsExactlyElementsOf(listed.keySet());
            read.forEach((k, p) -> {
                assertThat(p.value()).isEqualTo(listed.get(k).value());
                assertThat(p.lease()).isZero();
            });

            List<KvEvent> events = new CopyOnWriteArrayList<>();
            KvWatch watch = b.createWatch(
                    "s/", true, events::add, WatchOptions.defaults().withInitialState(true));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> events.stream().anyMatch(e -> e.type() == EventType.SYNCED));
            assertThat(events.stream()
                            .filter(e -> e.type() == EventType.PUT)
                            .map(e -> e.key().substring(e.key().length() - 3) + "="
                                    + new String(e.value(), StandardCharsets.UTF_8)))
                    .containsExactlyInAnyOrder("s/a=1", "s/b=2", "s/c=3");
            b.deleteWatch(watch);
        }
    }

    @Test
    @DisplayName(
            "a Backend created while Redis is down does not fail; its operations fail within the timeout with KvStoreUnavailableException")
    void createdWhileDown() {
        try (Backend b = Backend.create("redis", "127.0.0.1:" + FreePorts.closedPort(), TIMEOUT, ns)) {
            assertThat(b.isAlive()).isFalse();
            assertThatThrownBy(() -> b.get("k")).isInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> b.list("")).isInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> b.createWatch("k", false, e -> {}))
                    .isInstanceOf(KvStoreUnavailableException.class);
            assertThat(b.performLivenessCheck()).isFalse();
        }
    }

    @Test
    @DisplayName("the notification flags already set are kept, and the ones watches need are added")
    void keepsExistingNotificationFlags() {
        redis.redisCli("CONFIG", "SET", "notify-keyspace-events", "Elz");
        try (Backend b = backend()) {
            b.deleteWatch(b.createWatch("flags", false, e -> {}));
        }
        String flags = redis.redisCli("CONFIG", "GET", "notify-keyspace-events")
                .lines()
                .skip(1)
                .findFirst()
                .orElse("");
        assertThat(flags.chars().mapToObj(c -> String.valueOf((char) c)))
                .contains("E", "l", "z", "K", "g", "$", "x", "e");
    }

    @Test
    @DisplayName("expiry is reported as DELETE")
    void expiryIsDelete() {
        try (Backend b = backend()) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            b.createWatch("exp", false, events::add);
            redis.redisCli("SET", ns + "/exp", "v", "PX", "50");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> events.stream().anyMatch(e -> e.type() == EventType.DELETE));
            assertThat(events).extracting(KvEvent::type).containsExactly(EventType.PUT, EventType.DELETE);
        }
    }

    @Test
    @DisplayName(
            "ACL: a user may log in with username/password; where CONFIG is forbidden a watch fails saying what to set")
    void aclUserWithoutConfig() {
        redis.redisCli("CONFIG", "SET", "notify-keyspace-events", "");
        redis.redisCli("ACL", "SETUSER", "app", "on", ">app-pw", "~*", "&*", "+@all", "-config");
        try (Backend b = Backend.builder()
                .storeType("redis")
                .address(redis.address())
                .timeout(TIMEOUT)
                .pathPrefix(ns)
                .option(RedisOptions.USERNAME, "app")
                .option(RedisOptions.PASSWORD, "app-pw")
                .build()) {
            b.put("acl", "ok");
            assertThat(b.get("acl")).isPresent();
            assertThatThrownBy(() -> b.createWatch("acl", false, e -> {}))
                    .isInstanceOf(KvStoreException.class)
                    .isNotInstanceOf(KvStoreUnavailableException.class)
                    .hasMessageContaining("notify-keyspace-events")
                    .hasMessageContaining("Kg$xe");
        } finally {
            redis.redisCli("ACL", "DELUSER", "app");
        }
    }

    @Test
    @DisplayName("a wrong password fails with KvStoreException (not 'unavailable')")
    void wrongPassword() {
        redis.redisCli("ACL", "SETUSER", "app2", "on", ">right", "~*", "+@all");
        try (Backend b = Backend.builder()
                .storeType("redis")
                .address(redis.address())
                .timeout(TIMEOUT)
                .pathPrefix(ns)
                .option(RedisOptions.USERNAME, "app2")
                .option(RedisOptions.PASSWORD, "wrong")
                .build()) {
            assertThatThrownBy(() -> b.get("k"))
                    .isInstanceOf(KvStoreException.class)
                    .isNotInstanceOf(KvStoreUnavailableException.class);
        } finally {
            redis.redisCli("ACL", "DELUSER", "app2");
        }
    }

    @Test
    @DisplayName("a value over max-value-bytes is refused before anything is written")
    void valueLimit() {
        try (Backend b = Backend.builder()
                .storeType("redis")
                .address(redis.address())
                .timeout(TIMEOUT)
                .pathPrefix(ns)
                .option(RedisOptions.MAX_VALUE_BYTES, "10")
                .build()) {
            assertThatThrownBy(() -> b.put("big", new byte[11]))
                    .isInstanceOf(KvStoreException.class)
                    .hasMessageContaining("10");
            assertThat(redis.redisCli("EXISTS", ns + "/big").strip()).isEqualTo("0");
            b.put("small", new byte[10]);
        }
    }

    @Test
    @DisplayName("database option: keys go to the chosen database")
    void database() {
        try (Backend b = Backend.builder()
                .storeType("redis")
                .address(redis.address())
                .timeout(TIMEOUT)
                .pathPrefix(ns)
                .option(RedisOptions.DATABASE, "3")
                .build()) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            b.createWatch("db", false, events::add);
            b.put("db", "three");
            assertThat(redis.redisCli("-n", "3", "GET", ns + "/db").strip()).isEqualTo("three");
            assertThat(redis.redisCli("EXISTS", ns + "/db").strip()).isEqualTo("0");
            await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
            assertThat(events.get(0).valueAsString()).isEqualTo("three");
        }
    }
}
