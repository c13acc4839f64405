package dev.kvstore.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BackendTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Backend backend = Backend.create("memory", "", TIMEOUT, "Prefix");

    @AfterEach
    void close() {
        backend.close();
    }

    @Nested
    class Paths {

        @Test
        @DisplayName("a key is stored as pathPrefix + \"/\" + key, exactly as the Go library this follows")
        void join() {
            backend.put("Suffix", "v");
            assertThat(backend.fullKey("Suffix")).isEqualTo("Prefix/Suffix");
            assertThat(backend.client().exists("Prefix/Suffix").join()).isTrue();
            assertThat(backend.client().listKeys("").join()).containsExactly("Prefix/Suffix");
        }

        @Test
        @DisplayName("the path prefix is used as given: a trailing slash is kept, not collapsed")
        void noNormalisation() {
            try (Backend b = Backend.create("memory", "", TIMEOUT, "a/")) {
                b.put("/b", "v");
                assertThat(b.client().listKeys("").join()).containsExactly("a///b");
            }
        }

        @Test
        @DisplayName("an empty path prefix means no prefix and no leading slash")
        void emptyPathPrefix() {
            try (Backend b = Backend.create("memory", "", TIMEOUT, "")) {
                b.put("k", "v");
                assertThat(b.fullKey("k")).isEqualTo("k");
                assertThat(b.client().listKeys("").join()).containsExactly("k");
                assertThat(b.get("k")).get().extracting(KvPair::key).isEqualTo("k");
                assertThat(b.listKeys("")).containsExactly("k");
            }
        }

        @Test
        @DisplayName("keys that come back are full stored keys")
        void returnedKeysAreFull() {
            backend.put("key4", "a");
            backend.put("key4/a", "b");
            backend.put("key40", "c");
            backend.put("key5", "d");
            assertThat(backend.get("key4")).get().extracting(KvPair::key).isEqualTo("Prefix/key4");
            assertThat(backend.list("key4")).containsOnlyKeys("Prefix/key4", "Prefix/key4/a", "Prefix/key40");
            assertThat(backend.listKeys("key4")).containsExactly("Prefix/key4", "Prefix/key4/a", "Prefix/key40");
            assertThat(backend.list("key4").get("Prefix/key4/a").valueAsString())
                    .isEqualTo("b");
        }

        @Test
        @DisplayName("an empty prefix means every key under the path prefix, and nothing else")
        void emptyPrefixIsEverythingUnderPathPrefix() {
            backend.client().put("Prefixed", new byte[] {1}).join();
            backend.client().put("Other/x", new byte[] {1}).join();
            backend.put("a", "1");
            backend.put("b", "2");
            assertThat(backend.listKeys("")).containsExactly("Prefix/a", "Prefix/b");
            assertThat(backend.list("")).containsOnlyKeys("Prefix/a", "Prefix/b");
            backend.deleteWithPrefix("");
            assertThat(backend.client().listKeys("").join()).containsExactly("Other/x", "Prefixed");
        }
    }

    @Nested
    class Operations {

        @Test
        @DisplayName("put, get, exists, delete round-trip bytes and UTF-8 strings")
        void roundTrip() {
            backend.put("bytes", new byte[] {0, 1, 2, (byte) 255});
            backend.put("text", "héllo ☃");
            backend.put("empty", new byte[0]);
            assertThat(backend.get("bytes")).get().extracting(KvPair::value).isEqualTo(new byte[] {0, 1, 2, (byte) 255
            });
            assertThat(backend.get("text").orElseThrow().value()).isEqualTo("héllo ☃".getBytes(StandardCharsets.UTF_8));
            assertThat(backend.get("empty").orElseThrow().valueSize()).isZero();
            assertThat(backend.exists("text")).isTrue();
            backend.delete("text");
            assertThat(backend.exists("text")).isFalse();
            assertThat(backend.get("text")).isEmpty();
            backend.delete("text");
            assertThat(backend.list("nothing")).isEmpty();
        }

        @Test
        @DisplayName("the asynchronous forms do the same")
        void asyncForms() {
            backend.putAsync("a", "1").join();
            backend.putAsync("b", new byte[] {2}).join();
            assertThat(backend.getAsync("a").join())
                    .get()
                    .extracting(KvPair::valueAsString)
                    .isEqualTo("1");
            assertThat(backend.existsAsync("b").join()).isTrue();
            assertThat(backend.listAsync("").join()).containsOnlyKeys("Prefix/a", "Prefix/b");
            assertThat(backend.listKeysAsync("a").join()).containsExactly("Prefix/a");
            backend.deleteAsync("a").join();
            assertThat(backend.exists("a")).isFalse();
            backend.deleteWithPrefixAsync("").join();
            assertThat(backend.listKeys("")).isEmpty();
            assertThat(backend.performLivenessCheckAsync().join()).isTrue();
        }

        @Test
        @DisplayName("null arguments fail with NullPointerException at once, in blocking and async forms")
        void nulls() {
            List<Executable> calls = List.of(
                    () -> backend.get(null),
                    () -> backend.getAsync(null),
                    () -> backend.list(null),
                    () -> backend.listAsync(null),
                    () -> backend.listKeys(null),
                    () -> backend.listKeysAsync(null),
                    () -> backend.exists(null),
                    () -> backend.existsAsync(null),
                    () -> backend.put(null, "v"),
                    () -> backend.putAsync(null, "v"),
                    () -> backend.put("k", (String) null),
                    () -> backend.putAsync("k", (String) null),
                    () -> backend.put("k", (byte[]) null),
                    () -> backend.putAsync("k", (byte[]) null),
                    () -> backend.delete(null),
                    () -> backend.deleteAsync(null),
                    () -> backend.deleteWithPrefix(null),
                    () -> backend.deleteWithPrefixAsync(null),
                    () -> backend.createWatch(null, true, e -> {}),
                    () -> backend.createWatchAsync(null, false, e -> {}),
                    () -> backend.createWatch("k", false, null),
                    () -> backend.createWatchAsync("k", true, null),
                    () -> backend.deleteWatch(null),
                    () -> backend.fullKey(null),
                    () -> backend.setLivenessChannelInterval(null));
            for (Executable call : calls) {
                assertThatThrownBy(call::execute).isInstanceOf(NullPointerException.class);
            }
        }

        @Test
        @DisplayName(
                "an empty key fails with IllegalArgumentException at once for get, put, delete, exists and exact watches")
        void emptyKeys() {
            List<Executable> calls = List.of(
                    () -> backend.get(""), () -> backend.getAsync(""),
                    () -> backend.exists(""), () -> backend.existsAsync(""),
                    () -> backend.put("", "v"), () -> backend.putAsync("", "v"),
                    () -> backend.put("", new byte[0]), () -> backend.putAsync("", new byte[0]),
                    () -> backend.delete(""), () -> backend.deleteAsync(""),
                    () -> backend.createWatch("", false, e -> {}), () -> backend.createWatchAsync("", false, e -> {}));
            for (Executable call : calls) {
                assertThatThrownBy(call::execute).isInstanceOf(IllegalArgumentException.class);
            }
            assertThatThrownBy(() -> backend.get("a\u0000b")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> backend.setLivenessChannelInterval(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("a store's error is rethrown as it is")
        void storeErrorsAsIs() {
            try (Backend small = Backend.builder()
                    .storeType("memory")
                    .option("max-value-bytes", "4")
                    .build()) {
                assertThatThrownBy(() -> small.put("k", "too long"))
                        .isInstanceOf(dev.kvstore.KvValueTooLargeException.class)
                        .hasMessageContaining("4 bytes");
                assertThat(small.isAlive()).isTrue();
            }
        }

        @Test
        @DisplayName("operations after close fail with KvStoreException; close is idempotent and closes watches")
        void close() {
            KvWatch watch = backend.createWatch("w", true, e -> {});
            backend.close();
            backend.close();
            assertThat(watch.isOpen()).isFalse();
            assertThatThrownBy(() -> backend.get("k")).isInstanceOf(KvStoreException.class);
        }

        @Test
        @DisplayName("the builder's settings are kept")
        void builder() {
            try (Backend b = Backend.builder()
                    .storeType("memory")
                    .address("ignored:1")
                    .timeout(Duration.ofMillis(1500))
                    .pathPrefix("svc")
                    .options(Map.of("max-value-bytes", "10"))
                    .livenessInterval(Duration.ofSeconds(7))
                    .livenessQueueCapacity(3)
                    .build()) {
                assertThat(b.storeType()).isEqualTo("memory");
                assertThat(b.address()).isEqualTo("ignored:1");
                assertThat(b.timeout()).isEqualTo(Duration.ofMillis(1500));
                assertThat(b.pathPrefix()).isEqualTo("svc");
                assertThat(b.livenessChannelInterval()).isEqualTo(Duration.ofSeconds(7));
                assertThat(b.client().maxValueSize()).isEqualTo(10);
                assertThat(b.toString()).contains("memory", "svc", "alive=false");
            }
            KvStoreConfig config = KvStoreConfig.builder()
                    .storeType("MEMORY")
                    .timeout(Duration.ofMillis(900))
                    .option("max-value-bytes", "5")
                    .build();
            try (Backend b = Backend.builder()
                    .address("replaced:1")
                    .config(config)
                    .pathPrefix("p")
                    .build()) {
                assertThat(b.storeType()).isEqualTo("memory");
                assertThat(b.address()).isEmpty();
                assertThat(b.timeout()).isEqualTo(Duration.ofMillis(900));
                assertThat(b.client().maxValueSize()).isEqualTo(5);
            }
            assertThatThrownBy(() -> Backend.builder().livenessQueueCapacity(0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Backend.builder().livenessInterval(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Watches {

        @Test
        @DisplayName("a watch created through the Backend receives full keys, from the moment it returns")
        void fullKeys() {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            backend.createWatch("dir/", true, events::add);
            backend.put("dir/a", "1");
            backend.delete("dir/a");
            backend.put("other", "x");
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
            assertThat(events)
                    .extracting(KvEvent::type, KvEvent::key)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(EventType.PUT, "Prefix/dir/a"),
                            org.assertj.core.groups.Tuple.tuple(EventType.DELETE, "Prefix/dir/a"));
        }

        @Test
        @DisplayName("an exact watch sees only its key; createWatchAsync works the same")
        void exactAndAsync() {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            KvWatch watch = backend.createWatchAsync("k", false, events::add).join();
            assertThat(watch.key()).isEqualTo("Prefix/k");
            backend.put("k2", "no");
            backend.put("k", "yes");
            await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
            assertThat(events).extracting(KvEvent::key).containsExactly("Prefix/k");
        }

        @Test
        @DisplayName("after deleteWatch returns the listener is not called again")
        void deleteWatchStopsDelivery() {
            List<KvEvent> deleted = new CopyOnWriteArrayList<>();
            List<KvEvent> kept = new CopyOnWriteArrayList<>();
            KvWatch watch = backend.createWatch("", true, deleted::add);
            backend.createWatch("", true, kept::add);
            backend.put("before", "1");
            await().atMost(Duration.ofSeconds(5)).until(() -> deleted.size() == 1 && kept.size() == 1);
            backend.deleteWatch(watch);
            backend.deleteWatch(watch);
            assertThat(watch.isOpen()).isFalse();
            backend.put("after", "2");
            await().atMost(Duration.ofSeconds(5)).until(() -> kept.size() == 2);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> deleted.size() == 1);
            assertThat(deleted).extracting(KvEvent::key).containsExactly("Prefix/before");
        }
    }
}
