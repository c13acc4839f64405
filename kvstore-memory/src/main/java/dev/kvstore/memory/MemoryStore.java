package dev.kvstore.memory;

import dev.kvstore.KvEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The data of one in-process store, shared by every client opened on it: a sorted concurrent map,
 * one write lock, and the watches of all its clients.
 *
 * <p>A store with a name lives in a JVM-wide table while any client of that name is open:
 * {@link #open(String)} finds or makes it and counts the client, {@link #release()} uncounts it,
 * and the last release drops the store and its data. A store without a name (empty address) is
 * private to one client and is never in the table.
 *
 * <p>Threads: any thread may call any method. Reads are lock-free; writes and watch registration
 * take the write lock, so that versions and the order of watch events follow commit order; the
 * table is guarded by its own lock, taken only to open and release.
 */
final class MemoryStore {

    private static final Map<String, MemoryStore> NAMED = new HashMap<>(); // guarded by itself

    private final String name;
    private final ConcurrentSkipListMap<String, Entry> data = new ConcurrentSkipListMap<>();
    private final List<MemoryKvStoreClient.MemoryWatch> watches = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();
    private int clients; // guarded by NAMED

    private MemoryStore(String name) {
        this.name = name;
    }

    /**
     * A stored value; the array is never handed out.
     *
     * @param value the bytes
     * @param version the per-key modification count
     * @param lease the id of the lease the key lives under, 0 for none
     */
    record Entry(byte[] value, long version, long lease) {}

    /** Leases of every client of the store, by id; changed under the write lock. */
    private final Map<Long, MemoryKvStoreClient.MemoryLease> leases = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicLong nextLeaseId = new java.util.concurrent.atomic.AtomicLong();

    Map<Long, MemoryKvStoreClient.MemoryLease> leases() {
        return leases;
    }

    long nextLeaseId() {
        return nextLeaseId.incrementAndGet();
    }

    /**
     * Opens the store of a name for one more client.
     *
     * @param name the store's name; empty for a new private store
     * @return the store, counted once more
     */
    static MemoryStore open(String name) {
        if (name.isEmpty()) {
            MemoryStore store = new MemoryStore(name);
            store.clients = 1;
            return store;
        }
        synchronized (NAMED) {
            MemoryStore store = NAMED.computeIfAbsent(name, MemoryStore::new);
            store.clients++;
            return store;
        }
    }

    /** One client is done with the store; the last one drops it and its data. */
    void release() {
        boolean last;
        synchronized (NAMED) {
            last = --clients == 0;
            if (last && !name.isEmpty()) {
                NAMED.remove(name, this);
            }
        }
        if (last) {
            synchronized (writeLock) {
                data.clear();
            }
        }
    }

    /**
     * Whether a named store is open, for tests.
     *
     * @param name the name
     * @return {@code true} while a client of that name is open
     */
    static boolean isOpen(String name) {
        synchronized (NAMED) {
            return NAMED.containsKey(name);
        }
    }

    ConcurrentSkipListMap<String, Entry> data() {
        return data;
    }

    Object writeLock() {
        return writeLock;
    }

    void addWatch(MemoryKvStoreClient.MemoryWatch watch) {
        watches.add(watch);
    }

    void removeWatch(MemoryKvStoreClient.MemoryWatch watch) {
        watches.remove(watch);
    }

    /** Delivers an event to every covering watch of every client; the caller holds the write lock. */
    void notifyWatches(KvEvent event) {
        for (MemoryKvStoreClient.MemoryWatch w : watches) {
            if (w.covers(event.key())) {
                w.deliverEvent(event);
            }
        }
    }

    /** The keys with a raw string prefix, as a live view. */
    ConcurrentNavigableMap<String, Entry> range(String prefix) {
        if (prefix.isEmpty()) {
            return data;
        }
        // Every string starting with prefix sorts between prefix and the successor of the prefix's
        // last char, which is exact for raw string prefixes.
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
}
