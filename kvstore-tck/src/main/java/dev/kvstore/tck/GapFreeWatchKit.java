package dev.kvstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvWatch;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.TestServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Contract §11: watches without gaps (initial state, resync, bounded queues), with the fault
 * cases: a watcher cut off while others write, a frozen server, a restarted server, a listener that
 * falls far behind. The fault cases run where the store has a server ({@link #server()}) or can be
 * reached through a proxy ({@link #configVia}); they are skipped otherwise.
 */
public abstract class GapFreeWatchKit extends TransactionKit {

    /** For subclasses. */
    protected GapFreeWatchKit() {}

    /**
     * A listener that keeps the view its events describe (key → value) and every event, in order.
     */
    protected static final class View implements Consumer<KvEvent> {
        private final Map<String, String> view = new ConcurrentHashMap<>();
        private final List<KvEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(KvEvent e) {
            events.add(e);
            if (e.type() == EventType.PUT) {
                view.put(e.key(), e.valueAsString());
            } else if (e.type() == EventType.DELETE) {
                view.remove(e.key());
            }
        }

        /** The view as the events built it. */
        Map<String, String> view() {
            return new TreeMap<>(view);
        }

        /** Every event so far. */
        List<KvEvent> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        long count(EventType type) {
            return events().stream().filter(e -> e.type() == type).count();
        }
    }

    /**
     * The store's state under a prefix, read now.
     *
     * @param prefix the full prefix
     * @return key → value
     */
    protected Map<String, String> storeState(String prefix) {
        Map<String, String> state = new TreeMap<>();
        await(client.list(prefix)).forEach((k, p) -> state.put(k, p.valueAsString()));
        return state;
    }

    /**
     * How many keys the view has wrong (missing, extra, or another value).
     *
     * @param view the listener's view
     * @param store the store's state
     * @return the count of wrong keys
     */
    protected static int wrongKeys(Map<String, String> view, Map<String, String> store) {
        int wrong = 0;
        for (Map.Entry<String, String> e : store.entrySet()) {
            if (!e.getValue().equals(view.get(e.getKey()))) {
                wrong++;
            }
        }
        for (String k : view.keySet()) {
            if (!store.containsKey(k)) {
                wrong++;
            }
        }
        return wrong;
    }

    /**
     * Waits until the view equals the store's state under {@code prefix}.
     *
     * @param view the listener's view
     * @param prefix the full prefix
     * @param within how long to wait
     */
    protected void awaitViewEqualsStore(View view, String prefix, Duration within) {
        Awaitility.await("the listener's view equals the store's state under " + prefix)
                .atMost(within)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(wrongKeys(view.view(), storeState(prefix)))
                        .as("keys the listener has wrong; view=%s", view.view())
                        .isZero());
    }

    private KvWatch watch(KvStoreClient c, String key, Consumer<KvEvent> listener, WatchOptions options) {
        KvWatch w = await(c.watch(key, true, listener, options));
        toClose.add(0, w);
        return w;
    }

    private static void putAll(KvStoreClient c, Map<String, String> writes) {
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        for (Map.Entry<String, String> e : writes.entrySet()) {
            inFlight.add(c.put(e.getKey(), bytes(e.getValue())));
            if (inFlight.size() == 128) {
                inFlight.forEach(KitSupport::await);
                inFlight.clear();
            }
        }
        inFlight.forEach(KitSupport::await);
    }

    /** Waits until {@code time} has passed since {@code startNanos}: a fault case's stated duration. */
    private static void holdUntil(long startNanos, Duration time) {
        long left = time.toNanos() - (System.nanoTime() - startNanos);
        if (left > 0) {
            Awaitility.await()
                    .pollDelay(Duration.ofNanos(left))
                    .atMost(Duration.ofNanos(left).plusSeconds(5))
                    .until(() -> true);
        }
    }

    @Nested
    @DisplayName("Watches without gaps (WatchOptions)")
    class GapFreeWatches {

        @Test
        @DisplayName(
                "initial state: a PUT per existing key, then SYNCED, then every later change; no duplicate, no value going back, under concurrent writes")
        void initialState() throws Exception {
            String prefix = ns + "i/";
            Map<String, String> before = new TreeMap<>();
            for (int i = 0; i < 50; i++) {
                before.put(prefix + "k" + i, "0");
            }
            for (int i = 0; i < 10; i++) {
                before.put(prefix + "d" + i, "0");
            }
            putAll(client, before);
            KvStoreClient writer = newClient();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Integer> writing = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                // At most 300 rounds (6,000 changes): under the default queue limit, so no overflow
                // (and its resync) can hide a gap, however fast the store and slow the listener.
                for (int round = 1; (!stop.get() || round <= 20) && round <= 300; round++) {
                    for (int k = 0; k < 10; k++) { // k0..k9 and n0..n9 count up; d<round> goes
                        await(writer.put(prefix + "k" + k, bytes(String.valueOf(round))));
                        await(writer.put(prefix + "n" + k, bytes(String.valueOf(round))));
                        n += 2;
                    }
                    if (round <= 10) {
                        await(writer.delete(prefix + "d" + (round - 1)));
                    }
                }
                return n;
            });
            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> await(client.get(prefix + "k0"))
                            .map(p -> !p.valueAsString().equals("0"))
                            .orElse(false));
            View view = new View();
            watch(client, prefix, view, WatchOptions.defaults().withInitialState(true));
            Awaitility.await("SYNCED").atMost(WAIT).until(() -> view.count(EventType.SYNCED) >= 1);
            stop.set(true);
            writing.get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
            awaitViewEqualsStore(view, prefix, WAIT);

            List<KvEvent> events = view.events();
            int synced = indexOf(events, EventType.SYNCED);
            assertThat(events.subList(0, synced))
                    .as("only PUT and DELETE before SYNCED")
                    .allMatch(e -> e.type() == EventType.PUT || e.type() == EventType.DELETE);
            for (int i = 10; i < 50; i++) { // never written during the watch: exactly one PUT, before SYNCED
                String k = prefix + "k" + i;
                assertThat(events.stream().filter(e -> e.key().equals(k)).toList())
                        .as(k)
                        .containsExactly(KvEvent.put(
                                k,
                                bytes("0"),
                                events.stream()
                                        .filter(e -> e.key().equals(k))
                                        .findFirst()
                                        .orElseThrow()
                                        .version()));
                assertThat(events.indexOf(events.stream()
                                .filter(e -> e.key().equals(k))
                                .findFirst()
                                .orElseThrow()))
                        .isLessThan(synced);
            }
            Map<String, List<KvEvent>> byKey = new HashMap<>();
            events.stream()
                    .filter(e -> e.type() == EventType.PUT || e.type() == EventType.DELETE)
                    .forEach(e -> byKey.computeIfAbsent(e.key(), x -> new ArrayList<>())
                            .add(e));
            byKey.forEach((k, list) -> {
                for (int i = 1; i < list.size(); i++) {
                    KvEvent a = list.get(i - 1);
                    KvEvent b = list.get(i);
                    assertThat(a.type() == EventType.DELETE && b.type() == EventType.DELETE)
                            .as("two DELETEs in a row for %s: %s", k, list)
                            .isFalse();
                    if (a.type() == EventType.PUT && b.type() == EventType.PUT) {
                        int x = Integer.parseInt(a.valueAsString());
                        int y = Integer.parseInt(b.valueAsString());
                        if (has(KvCapability.VERSIONS)) {
                            assertThat(y)
                                    .as("values of %s go up without repeats: %s", k, list)
                                    .isGreaterThan(x);
                        } else {
                            // Without versions (Redis) a value read once per notification may repeat when
                            // writes coalesce: the store cannot tell that from the same value written twice.
                            assertThat(y)
                                    .as("values of %s never go back: %s", k, list)
                                    .isGreaterThanOrEqualTo(x);
                        }
                        if (has(KvCapability.EVERY_WRITE_EVENT)) {
                            assertThat(y)
                                    .as("no gap in the values of %s: %s", k, list)
                                    .isEqualTo(x + 1);
                        }
                    }
                }
            });
        }

        @Test
        @DisplayName(
                "a watcher cut off for 4 s while another client writes 100 keys and deletes 10 ends with the store's state (0 keys wrong)")
        void missedWritesWhileCut() {
            assumeTrue(configVia("127.0.0.1:1").isPresent(), "this store cannot be reached through a proxy");
            Proxied p = proxiedClient();
            String prefix = ns + "c/";
            View view = new View();
            watch(p.client(), prefix, view, WatchOptions.defaults());
            Map<String, String> old = new TreeMap<>();
            for (int i = 0; i < 20; i++) {
                old.put(prefix + "old" + i, "1");
            }
            putAll(client, old);
            awaitViewEqualsStore(view, prefix, WAIT);

            long cutAt = System.nanoTime();
            p.proxy().cut();
            Map<String, String> fresh = new TreeMap<>();
            for (int i = 0; i < 100; i++) {
                fresh.put(prefix + "new" + i, "v" + i);
            }
            for (int i = 10; i < 15; i++) {
                fresh.put(prefix + "old" + i, "2");
            }
            putAll(client, fresh);
            for (int i = 0; i < 10; i++) {
                await(client.delete(prefix + "old" + i));
            }
            holdUntil(cutAt, Duration.ofSeconds(4));
            p.proxy().restore();

            awaitViewEqualsStore(view, prefix, WAIT.multipliedBy(2));
            assertThat(storeState(prefix)).hasSize(110);
            put(prefix + "after", "x");
            awaitViewEqualsStore(view, prefix, WAIT);
        }

        @Test
        @DisplayName(
                "a frozen server: no call hangs past the timeout + 1.5 s, and the old watch gets new writes after the thaw")
        void frozenServer() {
            Optional<TestServer> s = server();
            assumeTrue(s.isPresent() && s.get().canFreeze(), "no server process to freeze");
            TestServer srv = s.get();
            Backend b = backend(ns + "z");
            View view = new View();
            b.createWatch("w/", true, view);
            b.put("w/before", "1");
            Awaitility.await().atMost(WAIT).until(() -> "1".equals(view.view().get(ns + "z/w/before")));

            srv.freeze();
            try {
                Duration bound = b.timeout().plusMillis(1500);
                Map<String, Callable<?>> ops = backendOperations(b, "w/x", "w/");
                assertEachUnavailableWithin(bound, "on a frozen server", ops);
            } finally {
                srv.thaw();
            }
            Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> {
                b.put("w/after", "3");
                return true;
            });
            Awaitility.await("the old watch gets a write made after the thaw")
                    .atMost(WAIT)
                    .until(() -> "3".equals(view.view().get(ns + "z/w/after")));
            awaitViewEqualsStore(view, ns + "z/w/", WAIT);
        }

        @Test
        @DisplayName("after a server restart a resyncing watch's view equals the store's state")
        void serverRestart() {
            Optional<TestServer> s = server();
            assumeTrue(s.isPresent(), "no server process to restart");
            String prefix = ns + "r/";
            View view = new View();
            watch(client, prefix, view, WatchOptions.defaults());
            Map<String, String> old = new TreeMap<>();
            for (int i = 0; i < 30; i++) {
                old.put(prefix + "old" + i, "1");
            }
            putAll(client, old);
            awaitViewEqualsStore(view, prefix, WAIT);

            s.get().stop();
            s.get().restart();
            Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> {
                put(prefix + "new0", "n");
                return true;
            });
            Map<String, String> fresh = new TreeMap<>();
            for (int i = 1; i < 20; i++) {
                fresh.put(prefix + "new" + i, "n" + i);
            }
            putAll(client, fresh);
            for (int i = 0; i < 5; i++) {
                await(client.delete(prefix + "old" + i));
            }
            awaitViewEqualsStore(view, prefix, WAIT.multipliedBy(2));
        }

        @Test
        @DisplayName(
                "a listener blocked for 5 s under 20,000 writes to 200 keys, queue limit 1,000: at most 1,000 changes wait for it, and its final view is exact")
        void blockedListener() throws Exception {
            String prefix = ns + "b/";
            int limit = 1_000;
            CountDownLatch release = new CountDownLatch(1);
            View view = new View();
            List<KvEvent> afterRelease = new CopyOnWriteArrayList<>();
            AtomicBoolean blocked = new AtomicBoolean();
            Consumer<KvEvent> slow = e -> {
                if (blocked.compareAndSet(false, true)) {
                    try {
                        release.await();
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    afterRelease.add(e);
                }
                view.accept(e);
            };
            watch(client, prefix, slow, WatchOptions.defaults().withQueueLimit(limit));
            EventRecorder control = recorder();
            KvWatch raw = await(client.watch(prefix, true, control));
            toClose.add(0, raw);

            long heapBefore = usedHeapAfterGc();
            long blockedAt = System.nanoTime();
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                inFlight.add(client.put(prefix + "k" + (i % 200), bytes(String.valueOf(i))));
                if (inFlight.size() == 256) {
                    inFlight.forEach(KitSupport::await);
                    inFlight.clear();
                }
            }
            inFlight.forEach(KitSupport::await);
            put(prefix + "end", "end");
            control.awaitPut(prefix + "end", "end"); // the store has sent its events
            holdUntil(blockedAt, Duration.ofSeconds(5));
            long heapBlocked = usedHeapAfterGc();
            release.countDown();

            awaitViewEqualsStore(view, prefix, WAIT.multipliedBy(2));
            System.out.printf(
                    "blocked listener on %s: heap %d KiB before, %d KiB while blocked; %d events after the"
                            + " release%n",
                    config.storeType(), heapBefore / 1024, heapBlocked / 1024, afterRelease.size());
            // The listener was handed at most the queue (limit) then a resync (one event per key, SYNCED),
            // never the 20,000 writes: the rest were dropped, not kept.
            assertThat(afterRelease.size())
                    .as("events handed to the listener after it was released")
                    .isLessThanOrEqualTo(limit + 2 * 201 + 10);
            if (afterRelease.size() > limit) {
                assertThat(afterRelease).extracting(KvEvent::type).contains(EventType.SYNCED);
            }
        }

        @Test
        @DisplayName("with resync off an overflowing queue is reported as UNKNOWN, as raw watches report gaps")
        void overflowWithoutResync() {
            String prefix = ns + "u/";
            CountDownLatch release = new CountDownLatch(1);
            View view = new View();
            AtomicBoolean blocked = new AtomicBoolean();
            watch(
                    client,
                    prefix,
                    e -> {
                        if (blocked.compareAndSet(false, true)) {
                            try {
                                release.await();
                            } catch (InterruptedException ie) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        view.accept(e);
                    },
                    WatchOptions.defaults().withResync(false).withQueueLimit(10));
            EventRecorder control = recorder();
            toClose.add(0, await(client.watch(prefix, true, control)));
            for (int i = 0; i < 50; i++) {
                put(prefix + "k" + i, "v");
            }
            control.awaitPut(prefix + "k49", "v");
            release.countDown();
            // At least one: on a store that resolves notifications asynchronously (Redis) changes can still
            // arrive after the listener caught up, and overflow the queue of 10 a second time.
            Awaitility.await("UNKNOWN after the overflow").atMost(WAIT).until(() -> view.count(EventType.UNKNOWN) >= 1);
            assertThat(view.count(EventType.SYNCED)).isZero();
            assertThat(view.count(EventType.PUT)).isLessThan(50);
        }

        @Test
        @DisplayName(
                "an exact-key watch with initial state gets its key's value, then SYNCED; a missing key gives only SYNCED")
        void exactKeyInitialState() {
            put(ns + "e", "1");
            View present = new View();
            KvWatch w = await(client.watch(
                    ns + "e", false, present, WatchOptions.defaults().withInitialState(true)));
            toClose.add(0, w);
            Awaitility.await().atMost(WAIT).until(() -> present.count(EventType.SYNCED) == 1);
            assertThat(present.events()).extracting(KvEvent::type).containsExactly(EventType.PUT, EventType.SYNCED);
            View missing = new View();
            toClose.add(
                    0,
                    await(client.watch(
                            ns + "none", false, missing, WatchOptions.defaults().withInitialState(true))));
            Awaitility.await().atMost(WAIT).until(() -> missing.count(EventType.SYNCED) == 1);
            assertThat(missing.events()).extracting(KvEvent::type).containsExactly(EventType.SYNCED);
            put(ns + "none", "2");
            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> "2".equals(missing.view().get(ns + "none")));
        }
    }

    private static int indexOf(List<KvEvent> events, EventType type) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).type() == type) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " in " + events);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
