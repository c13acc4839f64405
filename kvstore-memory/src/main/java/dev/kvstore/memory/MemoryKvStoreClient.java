package dev.kvstore.memory;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
import dev.kvstore.memory.MemoryStore.Entry;
import dev.kvstore.spi.AbstractKvWatch;
import dev.kvstore.spi.BoundedByTimeout;
import dev.kvstore.spi.Keys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A client of an in-process {@link MemoryStore}: the one of its address, shared with every other
 * client of that address in the JVM, or a private one for an empty address. Operations complete
 * before they return; listeners run on kvstore's listener threads. Closing the client closes its
 * own watches and releases the store (the last client's release drops the data).
 *
 * <p>Threads: any thread may call any method; see {@link MemoryStore} for what is locked.
 */
final class MemoryKvStoreClient implements KvStoreClient, BoundedByTimeout {

    private static final Set<KvCapability> CAPABILITIES =
            Collections.unmodifiableSet(EnumSet.of(KvCapability.VERSIONS, KvCapability.EVERY_WRITE_EVENT));

    private final MemoryStore store;
    private final ConcurrentSkipListMap<String, Entry> data;
    private final Object writeLock;
    private final List<MemoryWatch> watches = new CopyOnWriteArrayList<>();
    private final long maxValueSize;
    private final AtomicBoolean closed = new AtomicBoolean();

    MemoryKvStoreClient(MemoryStore store, long maxValueSize) {
        this.store = store;
        this.data = store.data();
        this.writeLock = store.writeLock();
        this.maxValueSize = maxValueSize;
    }

    @Override
    public CompletableFuture<Optional<KvPair>> get(String key) {
        Keys.checkKey(key);
        if (closed.get()) {
            return closedFuture();
        }
        Entry e = data.get(key);
        return CompletableFuture.completedFuture(
                e == null ? Optional.empty() : Optional.of(new KvPair(key, e.value(), e.version())));
    }

    @Override
    public CompletableFuture<Map<String, KvPair>> list(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed.get()) {
            return closedFuture();
        }
        Map<String, KvPair> result = new LinkedHashMap<>();
        store.range(prefix).forEach((k, e) -> result.put(k, new KvPair(k, e.value(), e.version())));
        return CompletableFuture.completedFuture(Collections.unmodifiableMap(result));
    }

    @Override
    public CompletableFuture<List<String>> listKeys(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed.get()) {
            return closedFuture();
        }
        return CompletableFuture.completedFuture(List.copyOf(store.range(prefix).keySet()));
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        Keys.checkKey(key);
        if (closed.get()) {
            return closedFuture();
        }
        return CompletableFuture.completedFuture(data.containsKey(key));
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value) {
        Keys.checkKey(key);
        Keys.checkValue(key, value, maxValueSize);
        if (closed.get()) {
            return closedFuture();
        }
        byte[] copy = value.clone();
        synchronized (writeLock) {
            Entry old = data.get(key);
            long version = old == null ? 1 : old.version() + 1;
            data.put(key, new Entry(copy, version));
            store.notifyWatches(KvEvent.put(key, copy, version));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        Keys.checkKey(key);
        if (closed.get()) {
            return closedFuture();
        }
        synchronized (writeLock) {
            if (data.remove(key) != null) {
                store.notifyWatches(KvEvent.delete(key));
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteWithPrefix(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed.get()) {
            return closedFuture();
        }
        synchronized (writeLock) {
            Iterator<String> it = store.range(prefix).keySet().iterator();
            while (it.hasNext()) {
                String key = it.next();
                it.remove();
                store.notifyWatches(KvEvent.delete(key));
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        if (withPrefix) {
            Keys.checkPrefix(key);
        } else {
            Keys.checkKey(key);
        }
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            return closedFuture();
        }
        MemoryWatch watch = new MemoryWatch(key, withPrefix, listener);
        // Registered under the write lock: every write that commits after this returns is seen.
        synchronized (writeLock) {
            store.addWatch(watch);
            watches.add(watch);
        }
        return CompletableFuture.completedFuture(watch);
    }

    @Override
    public CompletableFuture<Boolean> isConnectionUp() {
        return CompletableFuture.completedFuture(!closed.get());
    }

    @Override
    public long maxValueSize() {
        return maxValueSize;
    }

    @Override
    public Set<KvCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (MemoryWatch w : new ArrayList<>(watches)) {
                w.close();
            }
            store.release();
        }
    }

    private static <T> CompletableFuture<T> closedFuture() {
        return CompletableFuture.failedFuture(new KvStoreException("the memory store's client is closed"));
    }

    /** A watch of this client, registered with the store so that every client's writes reach it. */
    final class MemoryWatch extends AbstractKvWatch {
        MemoryWatch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
            super(MemoryKvStoreProvider.STORE_TYPE, key, withPrefix, listener);
        }

        void deliverEvent(KvEvent event) {
            deliver(event);
        }

        @Override
        protected void onClose() {
            store.removeWatch(this);
            watches.remove(this);
        }
    }
}
