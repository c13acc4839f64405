package dev.kvstore.spi;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvWatch;
import dev.kvstore.WatchOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch with {@link WatchOptions}: initial state, resync after gaps and a bounded queue, over any
 * store's raw watch. This is what the default
 * {@link KvStoreClient#watch(String, boolean, Consumer, WatchOptions)} returns; stores write none of
 * it. A store that can place a read exactly in its event stream implements
 * {@link SnapshotWatchSource} and is used through it; any other goes through
 * {@link ReadingSnapshots} (its raw watch plus {@code list}/{@code get}).
 *
 * <p><b>What it keeps.</b> With resync or initial state on, the <i>view</i>: for every key the
 * listener was told exists, the {@link KeyState} it last saw (version and SHA-256 of the value,
 * about 100 bytes plus the key, so memory follows the number of watched keys, never the number of
 * writes), plus, for keys with events still queued, the last queued one. With both off it keeps
 * nothing per key.
 *
 * <p><b>Events.</b> A {@code PUT} or {@code DELETE} from the store is queued and becomes the
 * view's state for its key once the listener is handed it. These are dropped: a {@code PUT} equal to
 * a state that a read (not an event) put in the view (the read already told the listener); a
 * {@code PUT} equal to the view's state with a version (the same version and value twice is one
 * state reported twice, as a store that reads a key per notification does when writes coalesce;
 * without versions, on Redis, the same value written twice cannot be told from one write reported
 * twice, so it passes); and a {@code DELETE} of a key the view lacks once the view is complete
 * (after the initial state or a resync). {@code CONNECTION_DOWN} passes through. {@code UNKNOWN} (a gap) asks for a snapshot
 * when resync is on, else passes through.
 *
 * <p><b>Snapshots</b> (initial state and resync): for every key of the read, of the view, or both,
 * except the keys the source says a racing event settles, the difference between the read and
 * the view is queued ({@code PUT} for a new or changed key, {@code DELETE} for a key gone), then
 * {@code SYNCED}. Why that converges with the generic source is in {@link ReadingSnapshots}.
 *
 * <p><b>Bounded queue.</b> Changes queued for the listener are at most {@code queueLimit}. The one
 * past it drops the whole queue; events are then dropped until the listener returns and finds the
 * queue empty, which asks for a snapshot (resync on) or queues {@code UNKNOWN} (resync off). A
 * resync's own output ({@code PUT}/{@code DELETE} per differing key and {@code SYNCED}) is not
 * counted against the limit, since it is bounded by the number of keys and would otherwise never
 * get through a limit below that number.
 *
 * <p><b>Threads.</b> The {@link Feed} is called by the source, one call at a time, often on a
 * driver's I/O thread: it only updates the view and the queue under {@code lock} and never blocks
 * or calls out. The listener runs on a thread of {@link ListenerDispatcher}'s pool, one call at a
 * time ({@code delivering}), never under {@code lock}; the view is updated under {@code lock} just
 * before each call. Snapshot requests go to the source on a kvstore worker thread, never from
 * inside a feed call. {@link #close()} takes {@code lock} only to mark the watch closed, then
 * waits for a listener call in progress (unless called from the listener), then closes the
 * source, holding nothing.
 */
public final class GapFreeWatch implements KvWatch {

    private static final Logger LOG = LoggerFactory.getLogger(GapFreeWatch.class);

    private final String key;
    private final boolean withPrefix;
    private final Consumer<KvEvent> listener;
    private final WatchOptions options;
    private final boolean tracking;
    private final Feed feed = new Feed();
    private final Object lock = new Object();
    private final ReentrantLock delivering = new ReentrantLock();

    // guarded by lock
    private Map<String, KeyState> seen = new HashMap<>();
    private Map<String, Item> pending = new HashMap<>();
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private int queuedChanges;
    private int mostQueuedChanges;
    private boolean overflowed;
    private boolean complete;
    private boolean draining;
    private boolean resyncWhenAttached;
    private SnapshotWatch source;
    private volatile boolean closed;

    /** One queued event; {@code state} is the key's state after a {@code PUT}, else null. */
    private record Item(KvEvent event, KeyState state, boolean counted) {
        boolean changesKey() {
            return event.type() == EventType.PUT || event.type() == EventType.DELETE;
        }
    }

    private GapFreeWatch(String key, boolean withPrefix, Consumer<KvEvent> listener, WatchOptions options) {
        this.key = key;
        this.withPrefix = withPrefix;
        this.listener = listener;
        this.options = options;
        this.tracking = options.resync() || options.initialState();
        this.complete = options.initialState();
    }

    /**
     * Watches a key or prefix of {@code client} with {@code options}.
     *
     * @param client the store's client; its raw three-argument watch (and {@code list}/{@code get})
     *     are used unless it is a {@link SnapshotWatchSource}
     * @param key the full key, or the raw prefix when {@code withPrefix}
     * @param withPrefix {@code true} to watch every key starting with {@code key}
     * @param listener receives the events
     * @param options what the watch does beyond its key
     * @return the watch, once active on the store (with initial state: once the state was read)
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as the store's watch throws it for an invalid key
     * @throws UnsupportedOperationException for a revision on a store without revisions
     */
    public static CompletableFuture<KvWatch> watch(
            KvStoreClient client, String key, boolean withPrefix, Consumer<KvEvent> listener, WatchOptions options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(options, "options");
        GapFreeWatch w = new GapFreeWatch(key, withPrefix, listener, options);
        CompletableFuture<? extends SnapshotWatch> opened;
        if (client instanceof SnapshotWatchSource source) {
            opened = source.watchWithSnapshots(key, withPrefix, options, w.feed);
        } else if (options.fromRevision() != 0) {
            throw new UnsupportedOperationException(
                    "this store has no revisions to watch from (fromRevision " + options.fromRevision() + ")");
        } else {
            opened = ReadingSnapshots.open(client, key, withPrefix, options.initialState(), w.feed);
        }
        CompletableFuture<KvWatch> result = new CompletableFuture<>();
        opened.whenComplete((s, failure) -> {
            if (failure != null) {
                w.close();
                result.completeExceptionally(Futures.unwrap(failure));
            } else {
                w.attach(s);
                result.complete(w);
            }
        });
        return result;
    }

    private void attach(SnapshotWatch s) {
        boolean resync;
        synchronized (lock) {
            source = s;
            resync = resyncWhenAttached;
            resyncWhenAttached = false;
        }
        if (resync) {
            requestResync();
        }
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
        SnapshotWatch s;
        synchronized (lock) {
            s = source;
        }
        return !closed && s != null && s.isOpen();
    }

    @Override
    public int queuedEvents() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /**
     * The most changes that were queued for the listener at once; for tests.
     *
     * @return the high-water mark, at most the queue limit
     */
    int mostQueuedChanges() {
        synchronized (lock) {
            return mostQueuedChanges;
        }
    }

    @Override
    public void close() {
        SnapshotWatch s;
        synchronized (lock) {
            closed = true;
            queue.clear();
            pending.clear();
            s = source;
        }
        if (!delivering.isHeldByCurrentThread()) {
            delivering.lock(); // a listener call in progress returns first
            delivering.unlock();
        }
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "GapFreeWatch[key=" + key + ", withPrefix=" + withPrefix + ", " + options + ", open=" + isOpen() + "]";
    }

    // ---- from the source (one call at a time, any thread; never blocks) ----

    private void onEvent(KvEvent event) {
        if (closed) {
            return;
        }
        switch (event.type()) {
            case PUT, DELETE -> {
                synchronized (lock) {
                    if (!overflowed) {
                        change(event);
                    }
                }
            }
            case CONNECTION_DOWN -> {
                synchronized (lock) {
                    add(new Item(event, null, false));
                }
            }
            case UNKNOWN -> {
                if (options.resync()) {
                    requestResync();
                    return;
                }
                synchronized (lock) {
                    if (!overflowed) {
                        add(new Item(event, null, false));
                    }
                }
            }
            default -> {
                return; // SYNCED is this class's to send
            }
        }
        startDrain();
    }

    /** Queues a change unless the listener's view makes it a repeat. Holds lock. */
    private void change(KvEvent event) {
        if (!tracking) {
            add(new Item(event, null, true));
            return;
        }
        KeyState now = current(event.key());
        if (event.type() == EventType.PUT) {
            KeyState next = KeyState.of(event.value(), event.version(), false); // value() is a fresh copy
            if (now != null && now.sameAs(next) && (now.fromRead || event.version() != 0)) {
                return; // a read already told the listener, or the store repeats a versioned state
            }
            add(new Item(event, next, true));
        } else if (now != null || !complete) {
            add(new Item(event, null, true));
        }
    }

    private void onSnapshot(Map<String, KvPair> state, Set<String> unsettled) {
        synchronized (lock) {
            if (closed || overflowed || !tracking) {
                return; // overflowed: a resync follows once the listener catches up
            }
            if (seen.isEmpty() && pending.isEmpty() && inOrder(state.keySet())) {
                initialState(state, unsettled);
            } else {
                difference(state, unsettled);
            }
            add(new Item(KvEvent.synced(key), null, false));
            complete = true;
        }
        startDrain();
    }

    /**
     * An initial state, read in key order (etcd, ZooKeeper), into an empty view: every key of the
     * read is new, so no sorting and no look-up in the view. Holds lock.
     */
    private void initialState(Map<String, KvPair> state, Set<String> unsettled) {
        int capacity = (int) (state.size() / 0.75f) + 1;
        seen = new HashMap<>(capacity); // both fill up to the state's size: no growing step by step
        pending = new HashMap<>(capacity);
        for (Map.Entry<String, KvPair> e : state.entrySet()) {
            String k = e.getKey();
            if (unsettled.contains(k) || !Keys.matches(key, withPrefix, k)) {
                continue;
            }
            KvPair pair = e.getValue();
            byte[] value = pair.value(); // a fresh copy: the state keeps it, the event copies it
            add(new Item(KvEvent.put(k, value, pair.version()), KeyState.of(value, pair.version(), true), false));
        }
    }

    /** Queues the difference between a read and the view, in key order. Holds lock. */
    private void difference(Map<String, KvPair> state, Set<String> unsettled) {
        TreeSet<String> keys = new TreeSet<>(state.keySet());
        keys.addAll(seen.keySet());
        keys.addAll(pending.keySet());
        for (String k : keys) {
            if (unsettled.contains(k) || !Keys.matches(key, withPrefix, k)) {
                continue;
            }
            KvPair pair = state.get(k);
            KeyState now = current(k);
            if (pair == null) {
                if (now != null) {
                    add(new Item(KvEvent.delete(k), null, false));
                }
                continue;
            }
            byte[] value = pair.value(); // a fresh copy: the state keeps it, the event copies it
            KeyState read = KeyState.of(value, pair.version(), true);
            if (now == null || !now.sameAs(read)) {
                add(new Item(KvEvent.put(k, value, pair.version()), read, false));
            } else {
                now.fromRead = true;
            }
        }
    }

    /** Whether the keys come in strictly ascending order. */
    private static boolean inOrder(Collection<String> keys) {
        String previous = null;
        for (String k : keys) {
            if (previous != null && previous.compareTo(k) >= 0) {
                return false;
            }
            previous = k;
        }
        return true;
    }

    /** The key's state once everything queued is delivered; null when absent. Holds lock. */
    private KeyState current(String k) {
        Item p = pending.get(k);
        if (p != null) {
            return p.state();
        }
        return seen.get(k);
    }

    /** Queues an item, or drops the queue when a change finds it full. Holds lock. */
    private void add(Item item) {
        if (item.counted() && queuedChanges >= options.queueLimit()) {
            LOG.info(
                    "watch on \"{}\": the listener is {} changes behind; dropping them and {} once it catches up",
                    key,
                    queuedChanges,
                    options.resync() ? "resyncing" : "sending UNKNOWN");
            queue.clear();
            pending.clear();
            queuedChanges = 0;
            overflowed = true;
            return;
        }
        queue.add(item);
        if (item.counted()) {
            queuedChanges++;
            mostQueuedChanges = Math.max(mostQueuedChanges, queuedChanges);
        }
        if (tracking && item.changesKey()) {
            pending.put(item.event().key(), item);
        }
    }

    private void requestResync() {
        SnapshotWatch s;
        synchronized (lock) {
            if (closed) {
                return;
            }
            s = source;
            if (s == null) {
                resyncWhenAttached = true;
                return;
            }
        }
        Futures.schedule(s::requestSnapshot, Duration.ZERO);
    }

    // ---- to the listener ----

    private void startDrain() {
        synchronized (lock) {
            if (draining || closed || queue.isEmpty() && !overflowed) {
                return;
            }
            draining = true;
        }
        ListenerDispatcher.execute(this::drain);
    }

    private void drain() {
        boolean resync = false;
        while (true) {
            Item item;
            synchronized (lock) {
                item = closed ? null : queue.poll();
                if (item == null && !closed && overflowed) {
                    overflowed = false; // caught up
                    if (options.resync()) {
                        resync = true;
                    } else {
                        item = new Item(KvEvent.unknown(key), null, false);
                    }
                }
                if (item == null) {
                    draining = false;
                    break;
                }
                if (item.counted()) {
                    queuedChanges--;
                }
                if (tracking && item.changesKey()) {
                    String k = item.event().key();
                    if (item.state() != null) {
                        seen.put(k, item.state());
                    } else {
                        seen.remove(k);
                    }
                    if (pending.get(k) == item) {
                        pending.remove(k);
                    }
                }
            }
            call(item.event());
        }
        if (resync) {
            requestResync();
        }
    }

    private void call(KvEvent event) {
        delivering.lock();
        try {
            if (!closed) {
                listener.accept(event);
            }
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            LOG.warn("listener of the watch on \"{}\" threw on {}; it keeps receiving events", key, event, e);
        } finally {
            delivering.unlock();
        }
    }

    /**
     * Where the source sends the watch's stream ({@link WatchFeed}); the generic source also says
     * which keys a snapshot must leave to the events.
     */
    final class Feed implements WatchFeed {

        private Feed() {}

        @Override
        public void event(KvEvent event) {
            onEvent(Objects.requireNonNull(event, "event"));
        }

        @Override
        public void snapshot(Map<String, KvPair> state) {
            onSnapshot(Objects.requireNonNull(state, "state"), Set.of());
        }

        /**
         * A snapshot that raced with the events: keys in {@code unsettled} are left to them.
         *
         * @param state the read
         * @param unsettled keys with events while the read ran
         */
        void snapshot(Map<String, KvPair> state, Set<String> unsettled) {
            onSnapshot(state, unsettled);
        }
    }
}
