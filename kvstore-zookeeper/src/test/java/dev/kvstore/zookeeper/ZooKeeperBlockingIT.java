package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.backend.Backend;
import dev.kvstore.spi.WaitingCaller;
import dev.kvstore.testing.TestServerExtension;
import dev.kvstore.testing.ZooKeeperServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Backend's blocking forms, which run ZooKeeper's synchronous API on the calling thread: bounded
 * by the timeout on a frozen server (SIGSTOP), and no interrupt of their own left on the thread.
 */
class ZooKeeperBlockingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final TestServerExtension<ZooKeeperServer> ZOOKEEPER = TestServerExtension.of(ZooKeeperServer::start);

    /** What a call on its own thread ended with, and whether that thread was left interrupted. */
    private record Outcome(Throwable failure, boolean interrupted) {}

    private interface Call {
        void run(Backend b);
    }

    private static CompletableFuture<Outcome> onItsOwnThread(Backend backend, Call call, Runnable started) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            started.run();
            Throwable failure = null;
            try {
                call.run(backend);
            } catch (Throwable e) {
                failure = e;
            }
            outcome.complete(new Outcome(failure, Thread.currentThread().isInterrupted()));
        });
        t.setDaemon(true);
        t.start();
        return outcome;
    }

    @Test
    @DisplayName("a frozen server: each blocking call fails with the timeout within the timeout + 1.5 s, and its"
            + " thread is not left interrupted")
    void frozenServer() throws Exception {
        try (Backend backend = Backend.create("zookeeper", ZOOKEEPER.address(), TIMEOUT, "frozen")) {
            backend.put("k", "1");
            backend.put("c", "1");
            long version = backend.get("c").orElseThrow().version();
            assertThat(backend.exists("k")).isTrue(); // connected: the blocking forms take the synchronous path

            Map<String, Call> calls = new LinkedHashMap<>();
            calls.put("get", b -> b.get("k"));
            calls.put("exists", b -> b.exists("k"));
            calls.put("put", b -> b.put("k", VALUE));
            calls.put("delete", b -> b.delete("k"));
            calls.put("compareAndSet", b -> b.compareAndSet("c", version, VALUE));
            calls.put("putIfAbsent", b -> b.putIfAbsent("new", VALUE));

            ZOOKEEPER.server().freeze();
            try {
                long until = System.nanoTime() + TIMEOUT.plusMillis(1500).toNanos();
                Map<String, CompletableFuture<Outcome>> outcomes = new LinkedHashMap<>();
                calls.forEach((name, call) -> outcomes.put(name, onItsOwnThread(backend, call, () -> {})));
                for (Map.Entry<String, CompletableFuture<Outcome>> e : outcomes.entrySet()) {
                    Outcome o;
                    try {
                        o = e.getValue().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException late) {
                        throw new AssertionError(
                                e.getKey() + " hung past the timeout + 1.5 s on a frozen server", late);
                    }
                    assertThat(o.failure())
                            .as(e.getKey())
                            .isInstanceOf(KvStoreUnavailableException.class)
                            .hasMessageContaining("no answer within the timeout");
                    assertThat(o.interrupted())
                            .as(e.getKey() + " left its thread interrupted")
                            .isFalse();
                }
            } finally {
                ZOOKEEPER.server().thaw();
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                backend.put("after", "1");
                return true;
            });
            assertThat(backend.get("after")).isPresent();
        }
    }

    @Test
    @DisplayName("a waiting caller's get, exists, put, delete, compareAndSet and putIfAbsent are made on its thread:"
            + " each future is complete when returned")
    void madeOnTheCallingThread() {
        KvStoreConfig config = KvStoreConfig.builder()
                .storeType("zookeeper")
                .address(ZOOKEEPER.address())
                .timeout(Duration.ofSeconds(5))
                .build();
        try (KvStoreClient client = new ZooKeeperKvStoreProvider().create(config)) {
            client.put("sync/k", VALUE).join(); // connected from here on
            List<Supplier<CompletableFuture<?>>> calls = List.of(
                    () -> client.get("sync/k"),
                    () -> client.exists("sync/k"),
                    () -> client.put("sync/k", VALUE),
                    () -> client.compareAndSet("sync/k", 2, VALUE),
                    () -> client.compareAndSet("sync/k", 99, VALUE),
                    () -> client.putIfAbsent("sync/new", VALUE),
                    () -> client.delete("sync/k"),
                    () -> client.get("sync/k"));
            List<Object> values = new ArrayList<>();
            for (Supplier<CompletableFuture<?>> call : calls) {
                CompletableFuture<?> f = WaitingCaller.call(call::get);
                assertThat(f).isDone();
                values.add(f.join());
            }
            assertThat(values.get(0)).isEqualTo(Optional.of(new KvPair("sync/k", VALUE, 1, 0)));
            assertThat(values.subList(1, values.size()))
                    .containsExactly(true, null, true, false, true, null, Optional.empty());
            // as an asynchronous caller, the same operations still work
            assertThat(client.put("sync/k", VALUE).join()).isNull();
            assertThat(client.get("sync/k").join()).map(KvPair::version).contains(1L);
        }
    }

    @Test
    @DisplayName("a blocking call on a frozen server that someone else interrupts fails as interrupted and keeps"
            + " the interrupt")
    void interruptedBySomeoneElse() throws ExecutionException, InterruptedException {
        try (Backend backend = Backend.create("zookeeper", ZOOKEEPER.address(), Duration.ofSeconds(20), "interrupt")) {
            backend.put("k", "1");
            ZOOKEEPER.server().freeze();
            try {
                AtomicReference<Thread> caller = new AtomicReference<>();
                CompletableFuture<Outcome> outcome =
                        onItsOwnThread(backend, b -> b.get("k"), () -> caller.set(Thread.currentThread()));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> caller.get() != null
                                && List.of(Thread.State.WAITING, Thread.State.TIMED_WAITING)
                                        .contains(caller.get().getState()));
                caller.get().interrupt();
                Outcome o = outcome.get();
                assertThat(o.failure())
                        .isInstanceOf(KvStoreException.class)
                        .isNotInstanceOf(KvStoreUnavailableException.class)
                        .hasMessageContaining("interrupted");
                assertThat(o.interrupted()).isTrue();
            } finally {
                ZOOKEEPER.server().thaw();
            }
        }
    }
}
