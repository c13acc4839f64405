package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisServer;
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

/** What a Backend writes is what redis-cli (and so a Go service) reads, and the other way round. */
class RedisCliInteropIT {

    private static RedisServer redis;
    private Backend backend;
    private String ns;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startWithoutPersistence();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void open() {
        backend = Backend.create("redis", redis.address(), Duration.ofSeconds(3), "service/voltha");
        ns = "interop-" + UUID.randomUUID() + "/";
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    @DisplayName(
            "redis-cli GET service/voltha/<key> prints what the Backend put, for keys with ':' '*' '[' and Unicode")
    void backendToCli() {
        for (String key : List.of("plain", "a:b:c", "star*", "br[ack]et", "back\\slash", "q?", "ünï cödé")) {
            backend.put(ns + key, "value of " + key);
            assertThat(redis.redisCli("GET", "service/voltha/" + ns + key)).isEqualTo("value of " + key);
        }
        byte[] binary = {0, 1, 2, (byte) 0xff, '\n', 'x'};
        backend.put(ns + "bin", binary);
        assertThat(redis.redisCliRaw("GET", "service/voltha/" + ns + "bin"))
                .isEqualTo(new byte[] {0, 1, 2, (byte) 0xff, '\n', 'x', '\n'});
    }

    @Test
    @DisplayName("a SET from redis-cli reaches a Backend watch and a Backend get, for keys with ':' '*' '['")
    void cliToBackend() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        backend.createWatch(ns + "w:", true, events::add);
        List<String> keys = List.of("w:1", "w:a:b", "w:*", "w:[x]");
        for (String key : keys) {
            redis.redisCli("SET", "service/voltha/" + ns + key, "cli " + key);
        }
        redis.redisCli("DEL", "service/voltha/" + ns + "w:1");
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == keys.size() + 1);
        assertThat(events.subList(0, keys.size())).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(EventType.PUT);
            assertThat(e.valueAsString()).isEqualTo("cli " + e.key().substring(("service/voltha/" + ns).length()));
        });
        assertThat(events.subList(0, keys.size()))
                .extracting(KvEvent::key)
                .containsExactlyElementsOf(
                        keys.stream().map(k -> "service/voltha/" + ns + k).toList());
        assertThat(events.get(keys.size()).type()).isEqualTo(EventType.DELETE);
        assertThat(backend.get(ns + "w:*"))
                .hasValueSatisfying(p -> assertThat(p.valueAsString()).isEqualTo("cli w:*"));
    }

    @Test
    @DisplayName(
            "a prefix with glob characters is literal: list(\"a*\") returns a*1, not ab; list(\"[\") returns only keys starting with '['")
    void globPrefixesAreLiteral() {
        for (String key : List.of("a*1", "ab", "a?", "[x", "x", "\\y")) {
            redis.redisCli("SET", "service/voltha/" + ns + key, key);
        }
        assertThat(backend.list(ns + "a*").keySet()).containsExactly("service/voltha/" + ns + "a*1");
        assertThat(backend.listKeys(ns + "a?")).containsExactly("service/voltha/" + ns + "a?");
        assertThat(backend.listKeys(ns + "[")).containsExactly("service/voltha/" + ns + "[x");
        assertThat(backend.listKeys(ns + "\\")).containsExactly("service/voltha/" + ns + "\\y");
        backend.deleteWithPrefix(ns + "a*");
        assertThat(redis.redisCli("EXISTS", "service/voltha/" + ns + "a*1").strip())
                .isEqualTo("0");
        assertThat(redis.redisCli("EXISTS", "service/voltha/" + ns + "ab").strip())
                .isEqualTo("1");
    }

    @Test
    @DisplayName("a watch on a key with '*' sees only that key, not keys its glob would match")
    void exactWatchIsLiteral() {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        backend.createWatch(ns + "k*", false, events::add);
        redis.redisCli("SET", "service/voltha/" + ns + "kx", "other");
        redis.redisCli("SET", "service/voltha/" + ns + "k*", "mine");
        await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
        assertThat(events).extracting(KvEvent::valueAsString).containsExactly("mine");
    }
}
