package dev.kvstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvstore.KvCapability;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Contract ({@code docs/CONTRACT.md}) §2, §3, §6 and §7: one client shared by many threads, the
 * Backend over the store, and an unreachable store. Plugin authors extend
 * {@link KvStoreCompatibilityKit}.
 */
public abstract class ResilienceKit extends WatchKit {

    @Nested
    @DisplayName("§2 Concurrency")
    class Concurrency {

        @Test
        @DisplayName("eight threads sharing one client write and read 800 keys correctly")
        void threadsShareOneClient() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    tasks.add(pool.submit(() -> {
                        for (int i = 0; i < 100; i++) {
                            String key = ns + "t" + thread + "/" + i;
                            await(client.put(key, bytes(key)));
                            assertThat(get(key).orElseThrow().valueAsString()).isEqualTo(key);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : tasks) {
                    f.get(WAIT.toSeconds() * 4, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            Map<String, KvPair> all = await(client.list(ns));
            assertThat(all).hasSize(800);
            all.forEach((k, p) -> assertThat(p.valueAsString()).isEqualTo(k));
        }

        @Test
        @DisplayName("concurrent puts to one key leave one of the written values (and count every put as a version)")
        void contendedKey() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            Set<String> written = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try {
                List<Future<?>> tasks = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    tasks.add(pool.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            String v = thread + "-" + i;
                            written.add(v);
                            await(client.put(ns + "hot", bytes(v)));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : tasks) {
                    f.get(WAIT.toSeconds() * 4, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            KvPair pair = get(ns + "hot").orElseThrow();
            assertThat(written).contains(pair.valueAsString());
            if (has(KvCapability.VERSIONS)) {
                assertThat(pair.version()).isEqualTo(200);
            }
        }

        @Test
        @DisplayName("1,000 asynchronous operations in flight at once all complete")
        void manyInFlight() {
            List<CompletableFuture<Void>> puts = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                puts.add(client.put(ns + "f/" + i, bytes("v" + i)));
            }
            puts.forEach(KvStoreCompatibilityKit::await);
            List<CompletableFuture<Optional<KvPair>>> gets = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                gets.add(client.get(ns + "f/" + i));
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(await(gets.get(i)).orElseThrow().valueAsString()).isEqualTo("v" + i);
            }
        }
    }

    @Nested
    @DisplayName("§3 §6 The Backend over this store")
    class BackendOverStore {

        @Test
        @DisplayName("Backend.create finds the store by its storeType")
        void createFindsStore() {
            Backend b = Backend.create(config.storeType(), config.address(), config.timeout(), ns + "svc");
            toClose.add(b);
            assertThat(b.storeType()).isEqualTo(config.storeType());
            b.put("k", "v");
            assertThat(b.get("k").orElseThrow().valueAsString()).isEqualTo("v");
        }

        @Test
        @DisplayName("keys are pathPrefix + \"/\" + key, and come back as full keys")
        void pathPrefix() {
            Backend b = backend(ns + "service/voltha");
            b.put("key4", "a");
            b.put("key4/x", bytes("b"));
            b.put("key40", "c");
            b.put("other", "d");
            // The Backend's own client (for the memory store, each client is its own store).
            assertThat(await(b.client().get(ns + "service/voltha/key4"))
                            .orElseThrow()
                            .valueAsString())
                    .isEqualTo("a");
            assertThat(b.get("key4").orElseThrow().key()).isEqualTo(ns + "service/voltha/key4");
            assertThat(b.list("key4"))
                    .containsOnlyKeys(
                            ns + "service/voltha/key4", ns + "service/voltha/key4/x", ns + "service/voltha/key40");
            assertThat(b.listKeys(""))
                    .containsExactlyInAnyOrder(
                            ns + "service/voltha/key4",
                            ns + "service/voltha/key4/x",
                            ns + "service/voltha/key40",
                            ns + "service/voltha/other");
            assertThat(b.exists("other")).isTrue();
            b.delete("other");
            assertThat(b.exists("other")).isFalse();
            b.deleteWithPrefix("key4/");
            assertThat(b.listKeys(""))
                    .containsExactlyInAnyOrder(ns + "service/voltha/key4", ns + "service/voltha/key40");
        }

        @Test
        @DisplayName("a watch through the Backend receives full keys, and deleteWatch stops it")
        void backendWatch() {
            Backend b = backend(ns + "svc");
            EventRecorder events = recorder();
            KvWatch w = b.createWatch("dir/", true, events);
            EventRecorder sentinel = recorder();
            b.createWatch("dir/", true, sentinel);
            b.put("dir/a", "1");
            events.awaitPut(ns + "svc/dir/a", "1");
            b.deleteWatch(w);
            int before = events.events().size();
            b.put("dir/b", "2");
            sentinel.awaitPut(ns + "svc/dir/b", "2");
            assertThat(events.events()).hasSize(before);
        }

        @Test
        @DisplayName(
                "liveness: not alive at first; the channel's first value is the current state; a check makes it alive")
        void liveness() throws Exception {
            Backend b = backend(ns + "svc");
            assertThat(b.isAlive()).isFalse();
            BlockingQueue<Boolean> channel = b.enableLivenessChannel();
            assertThat(b.enableLivenessChannel()).isSameAs(channel);
            assertThat(channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
            assertThat(b.performLivenessCheck()).isTrue();
            assertThat(b.isAlive()).isTrue();
            assertThat(channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }

        @Test
        @DisplayName("an operation that finds nothing makes a new Backend alive")
        void operationsUpdateLiveness() {
            Backend b = backend(ns + "svc");
            assertThat(b.get("missing")).isEmpty();
            assertThat(b.isAlive()).isTrue();
            assertThatThrownBy(() -> b.put("", "x")).isInstanceOf(IllegalArgumentException.class);
            assertThat(b.isAlive()).isTrue();
        }

        @Test
        @DisplayName("10,000 operations with an unread liveness channel never block")
        void unreadChannelNeverBlocks() {
            Backend b = backend(ns + "svc");
            b.put("warm", "v"); // alive before the channel opens: its first entry is then true too
            b.setLivenessChannelInterval(Duration.ofMillis(1));
            BlockingQueue<Boolean> channel = b.enableLivenessChannel();
            List<CompletableFuture<?>> ops = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                ops.add(i % 2 == 0 ? b.putAsync("k" + (i % 100), "v") : b.getAsync("k" + (i % 100)));
                if (ops.size() == 256) {
                    ops.forEach(KvStoreCompatibilityKit::await);
                    ops.clear();
                }
            }
            ops.forEach(KvStoreCompatibilityKit::await);
            assertThat(b.isAlive()).isTrue();
            assertThat(channel).isNotEmpty().allMatch(Boolean::booleanValue);
        }
    }

    @Nested
    @DisplayName("§6 §7 An unreachable store")
    class UnreachableStore {

        private Backend unreachable() {
            Optional<KvStoreConfig> cfg = unreachableConfig();
            assumeTrue(cfg.isPresent(), "this store cannot be unreachable (no unreachableConfig())");
            KvStoreConfig c = cfg.get();
            Backend b = Backend.builder().config(c).pathPrefix(ns + "svc").build();
            toClose.add(b);
            return b;
        }

        private Duration bound(Backend b) {
            return b.timeout().plusSeconds(3);
        }

        @Test
        @DisplayName("creating a Backend does not fail; it is not alive")
        void createDoesNotFail() {
            Backend b = unreachable();
            assertThat(b.isAlive()).isFalse();
        }

        @Test
        @DisplayName("every operation fails with KvStoreUnavailableException within the timeout")
        void operationsFail() {
            Backend b = unreachable();
            Map<String, Callable<?>> ops = backendOperations(b, "k", "k");
            ops.put("deleteWithPrefix", () -> {
                b.deleteWithPrefix("k");
                return null;
            });
            assertEachUnavailableWithin(bound(b), "on an unreachable store", ops);
            assertThat(b.isAlive()).isFalse();
        }

        @Test
        @DisplayName("the liveness check and the channel say false within the timeout")
        void livenessFalse() throws Exception {
            Backend b = unreachable();
            CompletableFuture<Boolean> check = CompletableFuture.supplyAsync(b::performLivenessCheck);
            assertThat(check.get(bound(b).toMillis(), TimeUnit.MILLISECONDS)).isFalse();
            BlockingQueue<Boolean> channel = b.enableLivenessChannel();
            assertThat(channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        }

        @Test
        @DisplayName(
                "the client's own futures fail with KvStoreUnavailableException (within the timeout if it is BoundedByTimeout)")
        void clientFails() throws InterruptedException {
            KvStoreConfig c = unreachableConfig().orElse(null);
            assumeTrue(c != null, "this store cannot be unreachable (no unreachableConfig())");
            try (KvStoreClient down = providerFor(c.storeType()).create(c)) {
                if (!dev.kvstore.spi.BoundedByTimeout.isBounded(down)) {
                    assertThat(failureOf(() -> down.get(ns + "k"))).isInstanceOf(KvStoreUnavailableException.class);
                } else {
                    // The Backend arms no timer for such a store: its own futures must end in time.
                    Map<String, Callable<?>> ops = new LinkedHashMap<>();
                    ops.put("get", () -> await(down.get(ns + "k")));
                    ops.put("put", () -> await(down.put(ns + "k", bytes("v"))));
                    ops.put("list", () -> await(down.list(ns)));
                    ops.put("listKeys", () -> await(down.listKeys(ns)));
                    ops.put("exists", () -> await(down.exists(ns + "k")));
                    ops.put("delete", () -> await(down.delete(ns + "k")));
                    ops.put("deleteWithPrefix", () -> await(down.deleteWithPrefix(ns)));
                    // Started together: each future must fail within the timeout plus 3 s.
                    assertEachUnavailableWithin(c.timeout().plusSeconds(3), "on an unreachable store", ops);
                }
                assertThat(await(down.isConnectionUp())).isFalse();
            }
        }
    }
}
