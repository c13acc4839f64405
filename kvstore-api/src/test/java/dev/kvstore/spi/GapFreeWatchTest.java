package dev.kvstore.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.WatchOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The races of {@link GapFreeWatch} over the generic source, played by hand: a client whose raw
 * watch and reads the test drives, so each interleaving of events and reads is exact.
 */
class GapFreeWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A client whose raw watch events and read results the test supplies. */
    static final class HandClient extends HandClientOps {
        @Override
        public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
            raw = new RawWatch(key, withPrefix, listener);
            return CompletableFuture.completedFuture(raw);
        }
    }

    /** Reads the test completes by hand; every other operation is unsupported. */
    abstract static class HandClientOps implements KvStoreClient {
        final BlockingQueue<CompletableFuture<Map<String, KvPair>>> reads = new LinkedBlockingQueue<>();
        volatile RawWatch raw;

        @Override
        public CompletableFuture<Map<String, KvPair>> list(String prefix) {
            CompletableFuture<Map<String, KvPair>> read = new CompletableFuture<>();
            reads.add(read);
            return read;
        }

        /** The next read the watch asked for. */
        CompletableFuture<Map<String, KvPair>> nextRead() throws InterruptedException {
            CompletableFuture<Map<String, KvPair>> read = reads.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(read).as("a read was asked for").isNotNull();
            return read;
        }

        @Override
        public CompletableFuture<Optional<KvPair>> get(String key) {
            return list(key).thenApply(m -> Optional.ofNullable(m.get(key)));
        }

        @Override
        public CompletableFuture<List<String>> listKeys(String prefix) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Boolean> exists(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> put(String key, byte[] value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> delete(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> deleteWithPrefix(String prefix) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Boolean> isConnectionUp() {
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public long maxValueSize() {
            return 1024;
        }

        @Override
        public Set<KvCapability> capabilities() {
            return Set.of();
        }

        @Override
        public void close() {}
    }

    /** The store's raw watch, driven by the test as a driver would. */
    static final class RawWatch extends AbstractKvWatch {
        RawWatch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
            super("hand", key, withPrefix, listener);
        }

        void emit(KvEvent event) {
            deliver(event);
        }

        @Override
        protected void onClose() {}
    }

    /** A listener that records, and can be held on its first event. */
    static final class Listener implements Consumer<KvEvent> {
        final List<KvEvent> events = new CopyOnWriteArrayList<>();
        final CountDownLatch release;

        Listener(boolean hold) {
            release = new CountDownLatch(hold ? 1 : 0);
        }

        @Override
        public void accept(KvEvent e) {
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            events.add(e);
        }

        void awaitSynced(int n) {
            await().atMost(WAIT)
                    .until(() -> events.stream()
                                    .filter(e -> e.type() == EventType.SYNCED)
                                    .count()
                            >= n);
        }
    }

    private static KvEvent put(String key, String value, long version) {
        return KvEvent.put(key, value.getBytes(UTF_8), version);
    }

    private static KvPair pair(String key, String value, long version) {
        return new KvPair(key, value.getBytes(UTF_8), version, 0);
    }

    private static Map<String, KvPair> state(KvPair... pairs) {
        Map<String, KvPair> m = new TreeMap<>();
        for (KvPair p : pairs) {
            m.put(p.key(), p);
        }
        return m;
    }

    @Test
    void initialStateLeavesKeysChangedDuringTheReadToTheirEvents() throws Exception {
        HandClient client = new HandClient();
        Listener listener = new Listener(false);
        CompletableFuture<KvWatch> opened =
                client.watch("p/", true, listener, WatchOptions.defaults().withInitialState(true));
        CompletableFuture<Map<String, KvPair>> read = client.nextRead();
        assertThat(opened).as("returned only once the state was read").isNotDone();
        client.raw.emit(put("p/a", "2", 2)); // a changes while the read runs
        read.complete(state(pair("p/a", "1", 1), pair("p/b", "1", 1)));
        KvWatch w = opened.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        listener.awaitSynced(1);
        client.raw.emit(put("p/b", "1", 1)); // a late event the read already gave: dropped
        client.raw.emit(put("p/b", "2", 2));
        await().atMost(WAIT).until(() -> listener.events.size() == 4);
        assertThat(listener.events)
                .containsExactly(put("p/a", "2", 2), put("p/b", "1", 1), KvEvent.synced("p/"), put("p/b", "2", 2));
        w.close();
    }

    @Test
    void resyncSendsOnlyTheDifferenceThenSynced() throws Exception {
        HandClient client = new HandClient();
        Listener listener = new Listener(false);
        KvWatch w = client.watch("p/", true, listener, WatchOptions.defaults()).get();
        client.raw.emit(put("p/a", "1", 1));
        client.raw.emit(put("p/b", "1", 1));
        client.raw.emit(KvEvent.connectionDown("p/"));
        client.raw.emit(KvEvent.unknown("p/"));
        client.nextRead().complete(state(pair("p/a", "1", 1), pair("p/c", "1", 1)));
        listener.awaitSynced(1);
        assertThat(listener.events)
                .containsExactly(
                        put("p/a", "1", 1),
                        put("p/b", "1", 1),
                        KvEvent.connectionDown("p/"),
                        KvEvent.delete("p/b"),
                        put("p/c", "1", 1),
                        KvEvent.synced("p/"));
        client.raw.emit(KvEvent.delete("p/b")); // already gone for the listener
        client.raw.emit(put("p/d", "1", 1));
        await().atMost(WAIT).until(() -> listener.events.size() == 7);
        assertThat(listener.events.get(6)).isEqualTo(put("p/d", "1", 1));
        w.close();
    }

    @Test
    void aGapDuringTheReadDropsItsResultAndReadsAgain() throws Exception {
        HandClient client = new HandClient();
        Listener listener = new Listener(false);
        KvWatch w = client.watch("p/", true, listener, WatchOptions.defaults()).get();
        client.raw.emit(KvEvent.unknown("p/"));
        CompletableFuture<Map<String, KvPair>> first = client.nextRead();
        client.raw.emit(KvEvent.unknown("p/"));
        // The first read's answer may predate the second gap: it must not end the resync.
        first.complete(state(pair("p/a", "old", 1)));
        await().atMost(WAIT).until(() -> {
            CompletableFuture<Map<String, KvPair>> read = client.reads.poll();
            if (read != null) {
                read.complete(state(pair("p/a", "new", 2)));
            }
            return listener.events.stream().anyMatch(e -> e.type() == EventType.SYNCED);
        });
        assertThat(listener.events.subList(0, 2)).containsExactly(put("p/a", "new", 2), KvEvent.synced("p/"));
        w.close();
    }

    @Test
    void aFailedReadIsRetried() throws Exception {
        HandClient client = new HandClient();
        Listener listener = new Listener(false);
        KvWatch w = client.watch("p/", true, listener, WatchOptions.defaults()).get();
        client.raw.emit(KvEvent.unknown("p/"));
        client.nextRead().completeExceptionally(new KvStoreUnavailableException("down"));
        client.nextRead().complete(state(pair("p/a", "1", 1)));
        listener.awaitSynced(1);
        assertThat(listener.events).containsExactly(put("p/a", "1", 1), KvEvent.synced("p/"));
        w.close();
    }

    @Test
    void aListenerThatFallsBehindHoldsAtMostTheLimitThenResyncs() throws Exception {
        HandClient client = new HandClient();
        Listener listener = new Listener(true);
        GapFreeWatch w = (GapFreeWatch)
                client.watch("p/", true, listener, WatchOptions.defaults().withQueueLimit(3))
                        .get();
        for (int i = 1; i <= 1000; i++) {
            client.raw.emit(put("p/k" + (i % 7), String.valueOf(i), i));
        }
        assertThat(w.mostQueuedChanges()).isLessThanOrEqualTo(3);
        listener.release.countDown();
        Map<String, KvPair> now = new TreeMap<>();
        for (int k = 0; k < 7; k++) {
            now.put("p/k" + k, pair("p/k" + k, "final" + k, 9));
        }
        // Every read asked for gets the final state (one may be asked for, and dropped, before the
        // listener was released, if the queue overflowed again meanwhile).
        await().atMost(WAIT).until(() -> {
            CompletableFuture<Map<String, KvPair>> read = client.reads.poll();
            if (read != null) {
                read.complete(now);
            }
            return listener.events.stream().anyMatch(e -> e.type() == EventType.SYNCED);
        });
        Map<String, String> view = new TreeMap<>();
        for (KvEvent e : listener.events) {
            if (e.type() == EventType.PUT) {
                view.put(e.key(), e.valueAsString());
            }
        }
        assertThat(view).hasSize(7).allSatisfy((k, v) -> assertThat(v).startsWith("final"));
        assertThat(listener.events.size()).isLessThanOrEqualTo(1 + 3 + 7 + 1);
        w.close();
    }

    @Test
    void withoutResyncAnOverflowIsOneUnknown() throws Exception {
        HandClient client = new HandClient();
        Listener listener = new Listener(true);
        KvWatch w = client.watch(
                        "p/",
                        true,
                        listener,
                        WatchOptions.defaults().withResync(false).withQueueLimit(2))
                .get();
        for (int i = 1; i <= 10; i++) {
            client.raw.emit(put("p/k", String.valueOf(i), i));
        }
        listener.release.countDown();
        await().atMost(WAIT).until(() -> listener.events.stream().anyMatch(e -> e.type() == EventType.UNKNOWN));
        // The change past the limit dropped the queue (and maybe the first event, if it was still
        // queued); each overflow is reported once the listener catches up, as one UNKNOWN. Changes
        // that come after the listener caught up are delivered after that UNKNOWN, in order, so the
        // listener ends either on an UNKNOWN (re-read) or on the last change: never on a stale one.
        await().atMost(WAIT).until(() -> {
            KvEvent last = listener.events.get(listener.events.size() - 1);
            return last.type() == EventType.UNKNOWN || last.version() == 10;
        });
        List<Long> versions = listener.events.stream()
                .filter(e -> e.type() == EventType.PUT)
                .map(KvEvent::version)
                .toList();
        assertThat(versions).isSorted().doesNotHaveDuplicates();
        assertThat(versions.size()).isLessThan(10);
        assertThat(client.reads).isEmpty();
        w.close();
    }

    /** A store that places snapshots exactly in its stream: the test plays the store. */
    static final class ExactClient extends HandClientBase implements SnapshotWatchSource {
        volatile WatchFeed feed;
        final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean closed;

        @Override
        public CompletableFuture<SnapshotWatch> watchWithSnapshots(
                String key, boolean withPrefix, WatchOptions options, WatchFeed feed) {
            this.feed = feed;
            if (options.initialState()) {
                feed.snapshot(state(pair("p/a", "1", 1)));
            }
            return CompletableFuture.completedFuture(new SnapshotWatch() {
                @Override
                public void requestSnapshot() {
                    requests.incrementAndGet();
                }

                @Override
                public String key() {
                    return key;
                }

                @Override
                public boolean withPrefix() {
                    return withPrefix;
                }

                @Override
                public boolean isOpen() {
                    return !closed;
                }

                @Override
                public void close() {
                    closed = true;
                }
            });
        }
    }

    /** The operations a {@link SnapshotWatchSource} test does not use. */
    abstract static class HandClientBase extends HandClientOps {
        @Override
        public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
            throw new UnsupportedOperationException("the raw watch is not used for a SnapshotWatchSource");
        }
    }

    @Test
    void aSnapshotWatchSourceIsUsedInsteadOfReads() throws Exception {
        ExactClient client = new ExactClient();
        Listener listener = new Listener(false);
        KvWatch w = client.watch("p/", true, listener, WatchOptions.defaults().withInitialState(true))
                .get();
        listener.awaitSynced(1);
        client.feed.event(put("p/b", "1", 1));
        client.feed.event(KvEvent.unknown("p/"));
        await().atMost(WAIT).until(() -> client.requests.get() == 1);
        client.feed.snapshot(state(pair("p/b", "1", 1), pair("p/c", "1", 1)));
        listener.awaitSynced(2);
        assertThat(listener.events)
                .containsExactly(
                        put("p/a", "1", 1),
                        KvEvent.synced("p/"),
                        put("p/b", "1", 1),
                        KvEvent.delete("p/a"),
                        put("p/c", "1", 1),
                        KvEvent.synced("p/"));
        w.close();
        assertThat(client.closed).isTrue();
    }

    @Test
    void closingStopsTheListenerAndTheRawWatch() throws Exception {
        HandClient client = new HandClient();
        Listener listener = new Listener(false);
        KvWatch w = client.watch("p/", true, listener, WatchOptions.defaults()).get();
        w.close();
        assertThat(client.raw.isOpen()).isFalse();
        assertThat(w.isOpen()).isFalse();
        client.raw.emit(put("p/a", "1", 1));
        assertThat(listener.events).isEmpty();
    }
}
