package dev.kvstore.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.backend.SwitchableStoreProvider.Mode;
import dev.kvstore.backend.SwitchableStoreProvider.SwitchableClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LivenessTest {

    private final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void closeAll() {
        backends.forEach(Backend::close);
    }

    private Backend backend(Duration interval, int capacity) {
        Backend b = Backend.builder()
                .storeType(SwitchableStoreProvider.STORE_TYPE)
                .timeout(Duration.ofSeconds(5))
                .pathPrefix("live")
                .livenessInterval(interval)
                .livenessQueueCapacity(capacity)
                .build();
        backends.add(b);
        return b;
    }

    private static SwitchableClient store(Backend b) {
        return (SwitchableClient) b.client();
    }

    @Test
    @DisplayName("a new Backend is not alive; the channel's first value is that state; a check makes it alive")
    void startsNotAlive() throws InterruptedException {
        Backend b = backend(Duration.ofHours(1), 16);
        assertThat(b.isAlive()).isFalse();
        BlockingQueue<Boolean> queue = b.enableLivenessChannel();
        assertThat(queue).containsExactly(false);
        assertThat(b.enableLivenessChannel()).isSameAs(queue);
        assertThat(queue).containsExactly(false);
        assertThat(b.performLivenessCheck()).isTrue();
        assertThat(b.isAlive()).isTrue();
        assertThat(queue).containsExactly(false, true);
    }

    @Test
    @DisplayName("a state is pushed when it changes, and not again before the interval")
    void pushesOnChange() {
        Backend b = backend(Duration.ofHours(1), 16);
        BlockingQueue<Boolean> queue = b.enableLivenessChannel();
        queue.clear();
        b.put("k", "v");
        b.get("k");
        b.get("missing");
        assertThat(queue).containsExactly(true);
        store(b).mode(Mode.DOWN);
        assertThatThrownBy(() -> b.get("k")).isInstanceOf(KvStoreUnavailableException.class);
        assertThatThrownBy(() -> b.putAsync("k", "v").join()).hasCauseInstanceOf(KvStoreUnavailableException.class);
        assertThat(b.performLivenessCheck()).isFalse();
        assertThat(b.isAlive()).isFalse();
        assertThat(queue).containsExactly(true, false);
        store(b).mode(Mode.UP);
        assertThat(b.existsAsync("k").join()).isTrue();
        assertThat(queue).containsExactly(true, false, true);
    }

    @Test
    @DisplayName("a bad argument or a not-found key still means alive")
    void badArgumentMeansAlive() {
        Backend b = backend(Duration.ofHours(1), 16);
        assertThatThrownBy(() -> b.get("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.isAlive()).isTrue();
        store(b).mode(Mode.DOWN);
        assertThatThrownBy(() -> b.delete("k")).isInstanceOf(KvStoreUnavailableException.class);
        store(b).mode(Mode.UP);
        assertThat(b.get("missing")).isEmpty();
        assertThat(b.isAlive()).isTrue();
    }

    @Test
    @DisplayName("the unchanged state is pushed again once the interval has passed, even with no operation")
    void pushesAfterInterval() throws InterruptedException {
        Backend b = backend(Duration.ofHours(1), 16);
        BlockingQueue<Boolean> queue = b.enableLivenessChannel();
        b.put("k", "v");
        assertThat(queue).containsExactly(false, true);
        queue.clear();
        b.setLivenessChannelInterval(Duration.ofMillis(50));
        assertThat(b.livenessChannelInterval()).isEqualTo(Duration.ofMillis(50));
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.size() >= 2);
        assertThat(queue).containsOnly(true);
        // a silent store that went down is reported by the periodic check
        store(b).mode(Mode.DOWN);
        await().atMost(Duration.ofSeconds(5)).until(() -> !b.isAlive());
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.contains(false));
    }

    @Test
    @DisplayName("an operation after the interval pushes the unchanged state again")
    void operationAfterIntervalPushes() {
        Backend b = backend(Duration.ofMillis(1), 16);
        b.setLivenessChannelInterval(Duration.ofHours(1)); // no periodic check in the way
        BlockingQueue<Boolean> queue = b.enableLivenessChannel();
        b.put("k", "v");
        queue.clear();
        b.get("k");
        assertThat(queue).isEmpty();
        Liveness liveness = livenessOf(b);
        liveness.markPushDue();
        b.get("k");
        assertThat(queue).containsExactly(true);
        b.get("k");
        assertThat(queue).containsExactly(true);
    }

    @Test
    @DisplayName("10,000 operations from 4 threads with nobody reading the channel never block")
    void unreadQueueNeverBlocks() {
        Backend b = backend(Duration.ofMillis(1), 16);
        BlockingQueue<Boolean> queue = b.enableLivenessChannel();
        SwitchableClient store = store(b);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        int ops = 0;
                        for (int i = 0; i < 2_500; i++) {
                            if (i % 2 == 0) {
                                store.mode(Mode.DOWN);
                            } else {
                                store.mode(Mode.UP);
                            }
                            try {
                                b.put("t" + thread + "/" + i, "v");
                            } catch (KvStoreUnavailableException e) {
                                // the store was down for this one
                            }
                            ops++;
                            assertThat(queue.size()).isLessThanOrEqualTo(16);
                        }
                        return ops;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : done) {
                    total += f.get();
                }
                assertThat(total).isEqualTo(10_000);
            } finally {
                pool.shutdownNow();
            }
        });
        assertThat(queue.size()).isLessThanOrEqualTo(16);
        // the newest state is always kept: the last entry is the current state
        store.mode(Mode.DOWN);
        assertThat(b.performLivenessCheck()).isFalse();
        assertThat(lastOf(queue)).isFalse();
        store.mode(Mode.UP);
        b.put("k", "v");
        assertThat(lastOf(queue)).isTrue();
        assertThat(queue.size()).isLessThanOrEqualTo(16);
    }

    @Test
    @DisplayName("when the channel is full the oldest states make way for the newest")
    void dropsOldest() {
        Backend b = backend(Duration.ofHours(1), 4);
        BlockingQueue<Boolean> queue = b.enableLivenessChannel();
        for (int i = 0; i < 10; i++) {
            store(b).mode(i % 2 == 0 ? Mode.UP : Mode.DOWN);
            b.performLivenessCheck();
        }
        // pushed: false (first call), then true,false,... ten changes: newest four kept
        assertThat(queue).containsExactly(true, false, true, false);
    }

    @Test
    @DisplayName("close stops the periodic check and is idempotent")
    void closeStopsTicking() {
        Backend b = backend(Duration.ofMillis(20), 16);
        b.enableLivenessChannel();
        assertThat(livenessOf(b).isTicking()).isTrue();
        b.close();
        b.close();
        assertThat(livenessOf(b).isTicking()).isFalse();
    }

    @Test
    @DisplayName(
            "a store that never answers: every operation fails with KvStoreUnavailableException within the timeout")
    void hangingStore() {
        Backend b = Backend.builder()
                .storeType(SwitchableStoreProvider.STORE_TYPE)
                .timeout(Duration.ofMillis(200))
                .pathPrefix("hang")
                .build();
        backends.add(b);
        b.put("k", "v");
        assertThat(b.isAlive()).isTrue();
        store(b).mode(Mode.HANGING);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            List<org.junit.jupiter.api.function.Executable> blocking = List.of(
                    () -> b.get("k"),
                    () -> b.list(""),
                    () -> b.listKeys(""),
                    () -> b.exists("k"),
                    () -> b.put("k", "v"),
                    () -> b.put("k", new byte[] {1}),
                    () -> b.delete("k"),
                    () -> b.deleteWithPrefix(""),
                    () -> b.createWatch("k", false, e -> {}));
            for (var call : blocking) {
                assertThatThrownBy(call::execute)
                        .isInstanceOf(KvStoreUnavailableException.class)
                        .hasMessageContaining("failed: no answer within the timeout of PT0.2S");
                assertThat(b.isAlive()).isFalse();
            }
            List<CompletableFuture<?>> async = List.of(
                    b.getAsync("k"),
                    b.listAsync(""),
                    b.listKeysAsync(""),
                    b.existsAsync("k"),
                    b.putAsync("k", "v"),
                    b.putAsync("k", new byte[0]),
                    b.deleteAsync("k"),
                    b.deleteWithPrefixAsync(""),
                    b.createWatchAsync("", true, e -> {}));
            for (CompletableFuture<?> f : async) {
                assertThatThrownBy(f::join).hasCauseInstanceOf(KvStoreUnavailableException.class);
            }
            assertThat(b.performLivenessCheck()).isFalse();
            assertThat(b.performLivenessCheckAsync().join()).isFalse();
            assertThat(b.isAlive()).isFalse();
        });
    }

    @Test
    @DisplayName("a watch the store confirms after the timeout is closed, not leaked")
    void lateWatchIsClosed() {
        Backend b = Backend.builder()
                .storeType(SwitchableStoreProvider.STORE_TYPE)
                .timeout(Duration.ofMillis(100))
                .pathPrefix("late")
                .build();
        backends.add(b);
        List<dev.kvstore.KvEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        store(b).mode(Mode.HANGING);
        assertThatThrownBy(() -> b.createWatch("a", false, events::add))
                .isInstanceOf(KvStoreUnavailableException.class);
        CompletableFuture<dev.kvstore.KvWatch> async = b.createWatchAsync("b", false, events::add);
        assertThatThrownBy(async::join).hasCauseInstanceOf(KvStoreUnavailableException.class);
        store(b).mode(Mode.UP);
        store(b).release(); // the store answers late: both watches are created, then must be closed
        List<dev.kvstore.KvEvent> control = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.createWatch("", true, control::add);
        b.put("a", "1");
        b.put("b", "2");
        await().atMost(Duration.ofSeconds(5)).until(() -> control.size() == 2);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(events::isEmpty);
    }

    private static Liveness livenessOf(Backend b) {
        return b.liveness();
    }

    private static Boolean lastOf(BlockingQueue<Boolean> queue) {
        Boolean last = null;
        for (Boolean v : queue) {
            last = v;
        }
        return last;
    }
}
