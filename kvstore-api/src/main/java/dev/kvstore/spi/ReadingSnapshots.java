package dev.kvstore.spi;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generic {@link SnapshotWatch}: a store's raw watch plus reads ({@code list}, or {@code get}
 * for one key) that race with its events. Used for every store that is not a
 * {@link SnapshotWatchSource}. Its snapshots are not exact; each comes with the keys it must not
 * settle, and {@link GapFreeWatch} leaves those to the events.
 *
 * <p><b>Why that converges.</b> A read starts at t0 (recording begins), and its result is handed on
 * when a marker, sent through the raw watch's own delivery line once the read is back, comes out
 * of that line (behind every event the store had received by then, even one still being read). Keys with an event between t0 and the marker are "touched"; the snapshot settles
 * only the others. The raw watch (contract §5) reports every change made while it is active, per
 * key in commit order, the last event carrying the final state. So for each key:
 * <ul>
 *   <li>an event after the marker: the events decide, and the last one is the final state;
 *   <li>touched, nothing after the marker: its last event was the final state;
 *   <li>no event after t0: no change after t0 (its event would have come after t0), so the read,
 *       made after t0, saw the final state.
 * </ul>
 * This needs no ordering between reads and events; the marker only makes stale or repeated
 * events after a snapshot rare. Where a store does order them (ZooKeeper: an event arrives before
 * any read reflecting it; Redis: events are resolved by a {@code GET} on the connection the read
 * uses; the memory store: lists and events under one lock), an event after the marker is never
 * older than the read, so the listener sees no value go back. A gap during a read (the raw watch's
 * {@code UNKNOWN} makes {@link GapFreeWatch} ask again) drops that read's result and reads again.
 *
 * <p>Threads: {@link #accept} is the raw watch's listener. Being {@link ListenerDispatcher.Inline}
 * it runs on the thread that delivers the raw event (often a driver I/O thread), one call at a
 * time, and only records and forwards. Reads are started on a kvstore worker thread (never inside
 * a raw event) and complete on the driver's thread, which sends the marker. {@code lock} guards
 * the read's state; nothing is called while holding it.
 */
final class ReadingSnapshots implements SnapshotWatch, ListenerDispatcher.Inline {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingSnapshots.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final KvStoreClient client;
    private final String key;
    private final boolean withPrefix;
    private final GapFreeWatch.Feed feed;
    private final CompletableFuture<Void> firstRead = new CompletableFuture<>();
    private final Object lock = new Object();

    // guarded by lock
    private KvWatch raw;
    private boolean closed;
    private boolean reading;
    private boolean again;
    private Set<String> touched;
    private KvEvent marker;
    private Map<String, KvPair> result;
    private Duration backoff = FIRST_BACKOFF;

    private ReadingSnapshots(KvStoreClient client, String key, boolean withPrefix, GapFreeWatch.Feed feed) {
        this.client = client;
        this.key = key;
        this.withPrefix = withPrefix;
        this.feed = feed;
    }

    /**
     * Opens the raw watch and, with {@code initialState}, makes the first read.
     *
     * @return completes once the raw watch is active (and the first read delivered)
     * @throws NullPointerException or IllegalArgumentException as the raw watch throws them
     */
    static CompletableFuture<SnapshotWatch> open(
            KvStoreClient client, String key, boolean withPrefix, boolean initialState, GapFreeWatch.Feed feed) {
        ReadingSnapshots r = new ReadingSnapshots(client, key, withPrefix, feed);
        if (!initialState) {
            r.firstRead.complete(null);
        }
        CompletableFuture<KvWatch> watch = client.watch(key, withPrefix, r);
        CompletableFuture<SnapshotWatch> opened = watch.thenCompose(w -> {
            if (!r.attach(w)) {
                w.close();
                return CompletableFuture.failedFuture(new KvStoreException("watch on \"" + key + "\" was closed"));
            }
            if (initialState) {
                r.read();
            }
            return r.firstRead.thenApply(x -> (SnapshotWatch) r);
        });
        opened.whenComplete((w, e) -> {
            if (e != null) {
                r.close();
            }
        });
        return opened;
    }

    private boolean attach(KvWatch w) {
        synchronized (lock) {
            raw = w;
            return !closed;
        }
    }

    @Override
    public void accept(KvEvent event) {
        boolean isMarker;
        Map<String, KvPair> snapshot = null;
        Set<String> unsettled = null;
        boolean readAgain = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            isMarker = event == marker;
            if (isMarker) {
                marker = null;
                reading = false;
                if (again) {
                    again = false;
                    readAgain = true; // a gap during the read: its result may predate it
                } else {
                    snapshot = result;
                    unsettled = touched;
                }
                result = null;
                touched = null;
            } else if (touched != null && (event.type() == EventType.PUT || event.type() == EventType.DELETE)) {
                touched.add(event.key());
            } else if (reading && event.type() == EventType.UNKNOWN) {
                again = true; // the read in flight may predate this gap
            }
        }
        if (!isMarker) {
            feed.event(event);
            return;
        }
        if (snapshot != null) {
            feed.snapshot(snapshot, unsettled);
            firstRead.complete(null);
        }
        if (readAgain) {
            Futures.schedule(this::read, Duration.ZERO);
        }
    }

    @Override
    public void requestSnapshot() {
        read();
    }

    /** Starts a read unless one is running (then it is read again once that one is back). */
    private void read() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (reading) {
                again = true;
                return;
            }
            reading = true;
            touched = new HashSet<>();
        }
        CompletableFuture<Map<String, KvPair>> read;
        try {
            read = withPrefix
                    ? (client instanceof SnapshotReads cheaper ? cheaper.listWithoutLeases(key) : client.list(key))
                    : client.get(key)
                            .thenApply(p -> p.map(pair -> Map.of(key, pair)).orElse(Map.of()));
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        read.whenComplete((pairs, failure) -> {
            if (failure == null) {
                readDone(pairs);
            } else {
                readFailed(Futures.unwrap(failure));
            }
        });
    }

    private void readDone(Map<String, KvPair> pairs) {
        KvEvent m = KvEvent.synced(key); // a new object: recognised by identity
        KvWatch w;
        synchronized (lock) {
            if (closed) {
                return;
            }
            result = pairs;
            marker = m;
            backoff = FIRST_BACKOFF;
            w = raw;
        }
        if (w instanceof AbstractKvWatch line && line.isOpen()) {
            // Behind every event the raw watch has handed on or is still reading (its ordered line).
            line.deliverInOrder(CompletableFuture.completedFuture(m));
        } else {
            accept(m);
        }
    }

    private void readFailed(Throwable failure) {
        Duration delay;
        synchronized (lock) {
            if (closed) {
                return;
            }
            reading = false;
            again = false;
            touched = null;
            delay = backoff;
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        if (firstRead.completeExceptionally(failure)) {
            return; // the initial state could not be read: the watch is not opened
        }
        LOG.debug("reading \"{}\" to resync its watch failed; retrying in {}", key, delay, failure);
        Futures.schedule(this::read, delay);
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
        synchronized (lock) {
            return !closed && raw != null && raw.isOpen();
        }
    }

    @Override
    public void close() {
        KvWatch w;
        synchronized (lock) {
            closed = true;
            w = raw;
        }
        firstRead.completeExceptionally(new KvStoreException("watch on \"" + key + "\" was closed"));
        if (w != null) {
            w.close();
        }
    }
}
