package dev.kvstore.memory;

import dev.kvstore.KvCapability;
import dev.kvstore.KvLease;
import dev.kvstore.Txn;
import dev.kvstore.TxnResult;
import dev.kvstore.spi.AbstractKvLease;
import java.time.Duration;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
import dev.kvstore.spi.AbstractKvWatch;
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
 * The in-process store. Single-key reads are lock-free on a sorted concurrent map; writes and
 * lists take one lock, so that versions and the order of watch events follow commit order and no
 * list sees a part of a transaction. Operations complete before
 * they return; listeners run on kvstore's listener threads.
 */
final class MemoryKvStoreClient implements KvStoreClient {

    private static final Set<KvCapability> CAPABILITIES =
            Collections.unmodifiableSet(EnumSet.of(KvCapability.VERSIONS, KvCapability.EVERY_WRITE_EVENT,
                    KvCapability.BOUNDED_BY_TIMEOUT, KvCapability.CONDITIONAL_WRITES, KvCapability.TRANSACTIONS,
                    KvCapability.LEASES, KvCapability.LOCKS));
    /** The most conditions plus operations in one transaction: etcd's default, so code moves freely. */
    static final int MAX_TXN_SIZE = 128;

    /** Every named store of this JVM, by address; a store goes when its last client closes. */
    private static final Map<String, Store> NAMED = new java.util.HashMap<>();

    private final Store store;
    private final String name;
    private final ConcurrentSkipListMap<String, Entry> data;
    /** Every watch of the store, of every client. */
    private final List<MemoryWatch> watches;
    private final Object writeLock;
    private final long maxValueSize;
    private volatile boolean closed;

    /**
     * A client of the in-process store named {@code name}; an empty name is a store of its own.
     *
     * @param name the store's name (the address); empty for a private store
     * @param maxValueSize the value limit
     */
    MemoryKvStoreClient(String name, long maxValueSize) {
        this.name = name;
        this.maxValueSize = maxValueSize;
        if (name.isEmpty()) {
            this.store = new Store();
        } else {
            synchronized (NAMED) {
                Store s = NAMED.computeIfAbsent(name, n -> new Store());
                s.clients++;
                this.store = s;
            }
        }
        this.data = store.data;
        this.watches = store.watches;
        this.writeLock = store.writeLock;
        this.leases = store.leases;
        this.nextLeaseId = store.nextLeaseId;
    }

    /** The shared state of one in-process store. */
    private static final class Store {
        final ConcurrentSkipListMap<String, Entry> data = new ConcurrentSkipListMap<>();
        final List<MemoryWatch> watches = new CopyOnWriteArrayList<>();
        final Object writeLock = new Object();
        final Map<Long, MemoryLease> leases = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicLong nextLeaseId = new java.util.concurrent.atomic.AtomicLong();
        /** Open clients of a named store; guarded by {@code NAMED}. */
        int clients;
    }

    /** A stored value; the array is never handed out. */
    private record Entry(byte[] value, long version, long lease) {
    }

    /** Leases of every client of the store, by id; changed under {@code writeLock}. */
    private final Map<Long, MemoryLease> leases;
    private final java.util.concurrent.atomic.AtomicLong nextLeaseId;

    @Override
    public CompletableFuture<Optional<KvPair>> get(String key) {
        Keys.checkKey(key);
        if (closed) {
            return closedFuture();
        }
        Entry e = data.get(key);
        return CompletableFuture.completedFuture(
                e == null ? Optional.empty() : Optional.of(new KvPair(key, e.value, e.version, e.lease)));
    }

    @Override
    public CompletableFuture<Map<String, KvPair>> list(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed) {
            return closedFuture();
        }
        Map<String, KvPair> result = new LinkedHashMap<>();
        // Under the write lock: a list never sees a part of a transaction.
        synchronized (writeLock) {
            range(prefix).forEach((k, e) -> result.put(k, new KvPair(k, e.value, e.version, e.lease)));
        }
        return CompletableFuture.completedFuture(Collections.unmodifiableMap(result));
    }

    @Override
    public CompletableFuture<List<String>> listKeys(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed) {
            return closedFuture();
        }
        List<String> keys;
        synchronized (writeLock) {
            keys = List.copyOf(range(prefix).keySet());
        }
        return CompletableFuture.completedFuture(keys);
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
            write(key, copy, 0L);
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
            remove(key);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<TxnResult> commit(Txn txn) {
        Keys.checkTxn(MemoryKvStoreProvider.STORE_TYPE, txn, maxValueSize, MAX_TXN_SIZE, CAPABILITIES);
        if (closed) {
            return closedFuture();
        }
        for (Txn.Operation op : txn.operations()) {
            if (op instanceof Txn.Put put && put.lease().isPresent()) {
                ownLease(put.lease().get());
            }
        }
        synchronized (writeLock) {
            for (Txn.Condition c : txn.conditions()) {
                if (!holds(c)) {
                    return CompletableFuture.completedFuture(TxnResult.of(false));
                }
            }
            for (Txn.Operation op : txn.operations()) {
                if (op instanceof Txn.Put put) {
                    MemoryLease lease = put.lease().map(this::ownLease).orElse(null);
                    if (lease != null && !lease.isActive()) {
                        return CompletableFuture.failedFuture(new KvStoreException(
                                "memory commit \"" + put.key() + "\" failed: lease " + lease.id() + " is no longer active"));
                    }
                }
            }
            for (Txn.Operation op : txn.operations()) {
                if (op instanceof Txn.Put put) {
                    write(put.key(), put.value(), put.lease().map(KvLease::id).orElse(0L));
                } else {
                    remove(op.key());
                }
            }
        }
        return CompletableFuture.completedFuture(TxnResult.of(true));
    }

    @Override
    public int maxTxnSize() {
        return MAX_TXN_SIZE;
    }

    @Override
    public CompletableFuture<KvLease> grantLease(Duration ttl) {
        AbstractKvLease.checkTtl(ttl);
        if (closed) {
            return closedFuture();
        }
        MemoryLease lease = new MemoryLease(nextLeaseId.incrementAndGet(), ttl);
        leases.put(lease.id(), lease);
        return CompletableFuture.completedFuture(lease);
    }

    private boolean holds(Txn.Condition c) {
        Entry e = data.get(c.key());
        if (c instanceof Txn.Absent) {
            return e == null;
        } else if (c instanceof Txn.Present) {
            return e != null;
        } else if (c instanceof Txn.VersionIs v) {
            return v.version() == 0 ? e == null : e != null && e.version == v.version();
        } else {
            return e != null && java.util.Arrays.equals(e.value, ((Txn.ValueIs) c).value());
        }
    }

    private MemoryLease ownLease(KvLease lease) {
        if (lease instanceof MemoryLease m && leases.get(m.id()) == m) {
            return m;
        }
        if (lease instanceof MemoryLease m && m.owner() == this) {
            return m; // revoked or lost: the caller reports it
        }
        throw new IllegalArgumentException("lease " + lease.id() + " was not granted by this memory client");
    }

    /** Writes a key under the write lock: versions count up, the lease is replaced, watches see it. */
    private void write(String key, byte[] value, long lease) {
        Entry old = data.get(key);
        long version = old == null ? 1 : old.version + 1;
        data.put(key, new Entry(value, version, lease));
        notifyWatches(KvEvent.put(key, value, version));
    }

    /** Deletes a key under the write lock; watches see it if it existed. */
    private void remove(String key) {
        if (data.remove(key) != null) {
            notifyWatches(KvEvent.delete(key));
        }
    }

    /** Ends a lease under the write lock: its keys are deleted, as a server would. */
    private void endLease(MemoryLease lease) {
        synchronized (writeLock) {
            if (leases.remove(lease.id()) == null) {
                return;
            }
            List<String> keys = new ArrayList<>();
            data.forEach((k, e) -> {
                if (e.lease == lease.id()) {
                    keys.add(k);
                }
            });
            keys.forEach(this::remove);
        }
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
        if (closed) {
            return;
        }
        closed = true;
        // As a process that dies: this client's leases end and their keys go.
        for (MemoryLease lease : new ArrayList<>(leases.values())) {
            if (lease.owner() == this) {
                endLease(lease);
                lease.lost();
            }
        }
        for (MemoryWatch w : new ArrayList<>(watches)) {
            if (w.owner() == this) {
                w.close();
            }
        }
        boolean last = true;
        if (!name.isEmpty()) {
            synchronized (NAMED) {
                last = --store.clients == 0;
                if (last) {
                    NAMED.remove(name);
                }
            }
        }
        if (last) {
            data.clear();
        }
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

    /**
     * A lease of the in-process store. Nothing can stop keeping it alive but its client's close
     * (which ends it, as a process exit would) or {@link #revoke()}.
     */
    private final class MemoryLease extends AbstractKvLease {
        MemoryLease(long id, Duration ttl) {
            super(MemoryKvStoreProvider.STORE_TYPE, id, ttl, Duration.ofSeconds(1));
        }

        MemoryKvStoreClient owner() {
            return MemoryKvStoreClient.this;
        }

        void lost() {
            markLost();
        }

        @Override
        protected CompletableFuture<Void> doRevoke() {
            endLease(this);
            return CompletableFuture.completedFuture(null);
        }
    }

    private final class MemoryWatch extends AbstractKvWatch {
        MemoryWatch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
            super(MemoryKvStoreProvider.STORE_TYPE, key, withPrefix, listener);
        }

        MemoryKvStoreClient owner() {
            return MemoryKvStoreClient.this;
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
