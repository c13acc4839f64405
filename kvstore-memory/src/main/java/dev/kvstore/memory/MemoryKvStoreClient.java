package dev.kvstore.memory;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
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
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The in-process store. Reads are lock-free on a sorted concurrent map; writes take one lock, so
 * that versions and the order of watch events follow commit order. Operations complete before
 * they return; listeners run on kvstore's listener threads.
 */
final class MemoryKvStoreClient implements KvStoreClient, BoundedByTimeout {

    private static final Set<KvCapability> CAPABILITIES =
            Collections.unmodifiableSet(EnumSet.of(KvCapability.VERSIONS, KvCapability.EVERY_WRITE_EVENT));

    private final ConcurrentSkipListMap<String, Entry> data = new ConcurrentSkipListMap<>();
    private final List<MemoryWatch> watches = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();
    private final long maxValueSize;
    private volatile boolean closed;

    MemoryKvStoreClient(long maxValueSize) {
        this.maxValueSize = maxValueSize;
    }

    /** A stored value; the array is never handed out. */
    private record Entry(byte[] value, long version) {
    }

    @Override
    public CompletableFuture<Optional<KvPair>> get(String key) {
        Keys.checkKey(key);
        if (closed) {
            return closedFuture();
        }
        Entry e = data.get(key);
        return CompletableFuture.completedFuture(
                e == null ? Optional.empty() : Optional.of(new KvPair(key, e.value, e.version)));
    }

    @Override
    public CompletableFuture<Map<String, KvPair>> list(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed) {
            return closedFuture();
        }
        Map<String, KvPair> result = new LinkedHashMap<>();
        range(prefix).forEach((k, e) -> result.put(k, new KvPair(k, e.value, e.version)));
        return CompletableFuture.completedFuture(Collections.unmodifiableMap(result));
    }

    @Override
    public CompletableFuture<List<String>> listKeys(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed) {
            return closedFuture();
        }
        return CompletableFuture.completedFuture(List.copyOf(range(prefix).keySet()));
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        Keys.checkKey(key);
        if (closed) {
            return closedFuture();
        }
        return CompletableFuture.completedFuture(data.containsKey(key));
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value) {
        Keys.checkKey(key);
        Keys.checkValue(key, value, maxValueSize);
        if (closed) {
            return closedFuture();
        }
        byte[] copy = value.clone();
        synchronized (writeLock) {
            Entry old = data.get(key);
            long version = old == null ? 1 : old.version + 1;
            data.put(key, new Entry(copy, version));
            notifyWatches(KvEvent.put(key, copy, version));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        Keys.checkKey(key);
        if (closed) {
            return closedFuture();
        }
        synchronized (writeLock) {
            if (data.remove(key) != null) {
                notifyWatches(KvEvent.delete(key));
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteWithPrefix(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed) {
            return closedFuture();
        }
        synchronized (writeLock) {
            Iterator<String> it = range(prefix).keySet().iterator();
            while (it.hasNext()) {
                String key = it.next();
                it.remove();
                notifyWatches(KvEvent.delete(key));
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
        if (closed) {
            return closedFuture();
        }
        MemoryWatch watch = new MemoryWatch(key, withPrefix, listener);
        // Registered under the write lock: every write that commits after this returns is seen.
        synchronized (writeLock) {
            watches.add(watch);
        }
        return CompletableFuture.completedFuture(watch);
    }

    @Override
    public CompletableFuture<Boolean> isConnectionUp() {
        return CompletableFuture.completedFuture(!closed);
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
        closed = true;
        for (MemoryWatch w : new ArrayList<>(watches)) {
            w.close();
        }
        data.clear();
    }

    private ConcurrentNavigableMap<String, Entry> range(String prefix) {
        if (prefix.isEmpty()) {
            return data;
        }
        // Every string starting with prefix sorts between prefix and prefix + U+FFFF..., except
        // strings continuing with a char above U+FFFF's high surrogate range; use the successor of
        // the prefix's last char instead, which is exact for raw string prefixes.
        String upper = successor(prefix);
        return upper == null ? data.tailMap(prefix, true) : data.subMap(prefix, true, upper, false);
    }

    /** The least string greater than every string starting with {@code prefix}, or null if none. */
    static String successor(String prefix) {
        char[] chars = prefix.toCharArray();
        for (int i = chars.length - 1; i >= 0; i--) {
            if (chars[i] != Character.MAX_VALUE) {
                chars[i]++;
                return new String(chars, 0, i + 1);
            }
        }
        return null;
    }

    private void notifyWatches(KvEvent event) {
        for (MemoryWatch w : watches) {
            if (w.covers(event.key())) {
                w.deliverEvent(event);
            }
        }
    }

    private static <T> CompletableFuture<T> closedFuture() {
        return CompletableFuture.failedFuture(new KvStoreException("the memory store's client is closed"));
    }

    private final class MemoryWatch extends AbstractKvWatch {
        MemoryWatch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
            super(MemoryKvStoreProvider.STORE_TYPE, key, withPrefix, listener);
        }

        void deliverEvent(KvEvent event) {
            deliver(event);
        }

        @Override
        protected void onClose() {
            watches.remove(this);
        }
    }
}
