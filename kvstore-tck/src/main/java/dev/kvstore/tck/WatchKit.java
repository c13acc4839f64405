package dev.kvstore.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Contract ({@code docs/CONTRACT.md}) §5: watches. Plugin authors extend
 * {@link KvStoreCompatibilityKit}.
 */
public abstract class WatchKit extends DataKit {

    @Nested
    @DisplayName("§5 Watches")
    class Watches {

        @Test
        @DisplayName("a put made right after createWatch returns is seen, with key and value")
        void activeOnReturn() {
            for (int i = 0; i < 20; i++) {
                EventRecorder events = recorder();
                KvWatch w = watch(ns + "k" + i, false, events);
                assertThat(w.key()).isEqualTo(ns + "k" + i);
                assertThat(w.withPrefix()).isFalse();
                assertThat(w.isOpen()).isTrue();
                put(ns + "k" + i, "v" + i);
                KvEvent e = events.awaitPut(ns + "k" + i, "v" + i);
                assertThat(e.type()).isEqualTo(EventType.PUT);
            }
        }

        @Test
        @DisplayName("only changes after createWatch are reported")
        void onlyLaterChanges() {
            put(ns + "k", "before");
            EventRecorder events = recorder();
            watch(ns + "k", false, events);
            put(ns + "k", "after");
            events.awaitPut(ns + "k", "after");
            assertThat(events.events()).extracting(KvEvent::valueAsString).doesNotContain("before");
        }

        @Test
        @DisplayName("an exact watch sees that key only")
        void exactIsolation() {
            EventRecorder events = recorder();
            watch(ns + "k", false, events);
            put(ns + "k0", "x");
            put(ns + "k/child", "x");
            put(ns + "j", "x");
            put(ns + "k", "sync");
            events.awaitPut(ns + "k", "sync");
            assertThat(events.events()).extracting(KvEvent::key).containsOnly(ns + "k");
        }

        @Test
        @DisplayName("a prefix watch sees every key with the prefix and nothing else")
        void prefixIsolation() {
            EventRecorder events = recorder();
            KvWatch w = watch(ns + "p", true, events);
            assertThat(w.withPrefix()).isTrue();
            put(ns + "q", "no");
            put(ns + "o/p", "no");
            put(ns + "p", "1");
            put(ns + "p/a", "2");
            put(ns + "p0", "3");
            events.awaitPut(ns + "p", "1");
            events.awaitPut(ns + "p/a", "2");
            events.awaitPut(ns + "p0", "3");
            assertThat(events.events()).extracting(KvEvent::key).containsOnly(ns + "p", ns + "p/a", ns + "p0");
        }

        @Test
        @DisplayName("a delete is reported as DELETE with an empty value, also through deleteWithPrefix")
        void deletes() {
            put(ns + "d/1", "x");
            put(ns + "d/2", "y");
            EventRecorder events = recorder();
            watch(ns + "d/", true, events);
            await(client.delete(ns + "d/1"));
            KvEvent e = events.awaitDelete(ns + "d/1");
            assertThat(e.value()).isEmpty();
            await(client.deleteWithPrefix(ns + "d/"));
            events.awaitDelete(ns + "d/2");
        }

        @Test
        @DisplayName("2,000 rapid writes to one key arrive in commit order, ending with the final value")
        void rapidWritesOneKey() {
            EventRecorder events = recorder();
            watch(ns + "rapid", false, events);
            int n = 2000;
            for (int i = 0; i < n; i++) {
                await(client.put(ns + "rapid", bytes(Integer.toString(i))));
            }
            events.awaitPut(ns + "rapid", Integer.toString(n - 1));
            List<Integer> seen = events.events(EventType.PUT).stream()
                    .map(ev -> Integer.parseInt(ev.valueAsString()))
                    .toList();
            if (has(KvCapability.EVERY_WRITE_EVENT)) {
                assertThat(seen)
                        .containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
            } else {
                // Without EVERY_WRITE_EVENT rapid writes may coalesce (an event may carry a later
                // value, even twice), but never go back in commit order.
                assertThat(seen).isSorted();
            }
            assertThat(seen.get(seen.size() - 1)).isEqualTo(n - 1);
        }

        @Test
        @DisplayName("2,000 writes to distinct keys in flight at once are each reported with their value")
        void rapidWritesManyKeys() {
            EventRecorder events = recorder();
            watch(ns + "many/", true, events);
            int n = 2000;
            List<CompletableFuture<Void>> puts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                puts.add(client.put(ns + "many/" + i, bytes("v" + i)));
                if (puts.size() == 128) {
                    puts.forEach(KvStoreCompatibilityKit::await);
                    puts.clear();
                }
            }
            puts.forEach(KvStoreCompatibilityKit::await);
            Awaitility.await("every key's event")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> events.events(EventType.PUT).stream()
                                    .map(KvEvent::key)
                                    .distinct()
                                    .count()
                            == n);
            for (KvEvent e : events.events(EventType.PUT)) {
                assertThat(e.valueAsString()).isEqualTo("v" + e.key().substring((ns + "many/").length()));
            }
        }

        @Test
        @DisplayName("a listener may call the store's blocking operations (it runs off the driver's I/O threads)")
        void listenerMayBlockOnTheStore() {
            put(ns + "other", "o");
            AtomicReference<Object> readInListener = new AtomicReference<>();
            watch(ns + "k", false, e -> {
                try {
                    readInListener.set(client.get(ns + "other")
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                            .map(KvPair::valueAsString)
                            .orElse("missing"));
                } catch (Exception ex) {
                    readInListener.set(ex);
                }
            });
            Thread testThread = Thread.currentThread();
            EventRecorder events = recorder();
            watch(ns + "k", false, events);
            put(ns + "k", "go");
            Awaitility.await("the listener's read").atMost(WAIT).until(() -> readInListener.get() != null);
            assertThat(readInListener.get()).isEqualTo("o");
            events.awaitPut(ns + "k", "go");
            assertThat(events.threads()).doesNotContain(testThread);
        }

        @Test
        @DisplayName("a slow listener delays no other watch and no operation")
        void slowListener() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger slowCalls = new AtomicInteger();
            watch(ns + "k", false, e -> {
                slowCalls.incrementAndGet();
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
            EventRecorder fast = recorder();
            watch(ns + "k", false, fast);
            try {
                for (int i = 0; i < 5; i++) {
                    put(ns + "k", "v" + i);
                    fast.awaitPut(ns + "k", "v" + i);
                }
                assertThat(get(ns + "k").orElseThrow().valueAsString()).isEqualTo("v4");
                assertThat(slowCalls.get()).isEqualTo(1);
            } finally {
                release.countDown();
            }
            Awaitility.await("the slow listener to catch up").atMost(WAIT).until(() -> slowCalls.get() >= 2);
        }

        @Test
        @DisplayName("a throwing listener breaks no other watch and keeps receiving events")
        void throwingListener() {
            AtomicInteger calls = new AtomicInteger();
            watch(ns + "k", false, e -> {
                calls.incrementAndGet();
                throw new IllegalStateException("listener failure on purpose (the kit's throwing-listener test)");
            });
            EventRecorder other = recorder();
            watch(ns + "k", false, other);
            put(ns + "k", "1");
            put(ns + "k", "2");
            other.awaitPut(ns + "k", "2");
            Awaitility.await("the throwing listener's second call").atMost(WAIT).until(() -> calls.get() >= 2);
        }

        @Test
        @DisplayName("after close returns the listener is not called again; other watches go on")
        void noCallsAfterClose() {
            EventRecorder closed = recorder();
            KvWatch w = watch(ns + "k", false, closed);
            EventRecorder open = recorder();
            watch(ns + "k", false, open);
            put(ns + "k", "1");
            closed.awaitPut(ns + "k", "1");
            w.close();
            assertThat(w.isOpen()).isFalse();
            int before = closed.events().size();
            put(ns + "k", "2");
            open.awaitPut(ns + "k", "2");
            put(ns + "k", "3");
            open.awaitPut(ns + "k", "3");
            assertThat(closed.events()).hasSize(before);
            w.close();
        }

        @Test
        @DisplayName("a listener can close its own watch without deadlock")
        void closeFromListener() {
            AtomicReference<KvWatch> self = new AtomicReference<>();
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch ready = new CountDownLatch(1);
            KvWatch w = watch(ns + "k", false, e -> {
                calls.incrementAndGet();
                try {
                    ready.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                self.get().close();
            });
            self.set(w);
            ready.countDown();
            EventRecorder other = recorder();
            watch(ns + "k", false, other);
            put(ns + "k", "1");
            Awaitility.await("the listener to close its watch").atMost(WAIT).until(() -> !w.isOpen());
            put(ns + "k", "2");
            other.awaitPut(ns + "k", "2");
            assertThat(calls.get()).isEqualTo(1);
        }

        @Test
        @DisplayName("closing the client closes its watches")
        void clientCloseClosesWatches() {
            KvStoreClient second = providerFor(config.storeType()).create(config);
            KvWatch w;
            try {
                w = await(second.watch(ns + "k", false, e -> {}));
            } finally {
                second.close();
            }
            assertThat(w.isOpen()).isFalse();
            second.close();
        }
    }
}
