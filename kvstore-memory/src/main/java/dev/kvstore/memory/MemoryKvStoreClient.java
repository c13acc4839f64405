package dev.kvstore.memory;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvLeaseInfo;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
import dev.kvstore.Txn;
import dev.kvstore.TxnResult;
import dev.kvstore.memory.MemoryStore.Entry;
import dev.kvstore.spi.AbstractKvLease;
import dev.kvstore.spi.AbstractKvWatch;
import dev.kvstore.spi.BoundedByTimeout;
import dev.kvstore.spi.Bulk;
import dev.kvstore.spi.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
 * own watches, ends its own leases (their keys go, as when a process dies) and releases the store
 * (the last client's release drops the data).
 *
 * <p>Threads: any thread may call any method. Single-key reads are lock-free; writes, lists,
 * transactions and lease ends take the store's write lock, so that versions and the order of watch
 * events follow commit order and no list sees a part of a transaction.
 */
final class MemoryKvStoreClient implements KvStoreClient, BoundedByTimeout {

    private static final Set<KvCapability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            KvCapability.VERSIONS,
            KvCapability.EVERY_WRITE_EVENT,
            KvCapability.CONDITIONAL_WRITES,
            KvCapability.TRANSACTIONS,
            KvCapability.LEASES,
            KvCapability.LOCKS));
    /** The most conditions plus operations in one transaction: etcd's default, so code moves freely. */
    static final int MAX_TXN_SIZE = 128;

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
        return CompletableFuture.completedFuture(e == null ? Optional.empty() : Optional.of(pair(key, e)));
    }

    @Override
    public CompletableFuture<Map<String, KvPair>> list(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed.get()) {
            return closedFuture();
        }
        Map<String, KvPair> result = new LinkedHashMap<>();
        synchronized (writeLock) { // a list never sees a part of a transaction
            store.range(prefix).forEach((k, e) -> result.put(k, pair(k, e)));
        }
        return CompletableFuture.completedFuture(Collections.unmodifiableMap(result));
    }

    @Override
    public CompletableFuture<List<String>> listKeys(String prefix) {
        Keys.checkPrefix(prefix);
        if (closed.get()) {
            return closedFuture();
        }
        List<String> keys;
        synchronized (writeLock) {
            keys = List.copyOf(store.range(prefix).keySet());
        }
        return CompletableFuture.completedFuture(keys);
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
            write(key, copy, 0L);
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
            remove(key);
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

    /** One step under the write lock: a snapshot of the keys. */
    @Override
    public CompletableFuture<Map<String, KvPair>> getAllAsync(Collection<String> keys) {
        List<String> checked = Bulk.checkKeys(keys);
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        if (closed.get()) {
            return closedFuture();
        }
        Map<String, KvPair> result = new LinkedHashMap<>(checked.size() * 2);
        synchronized (writeLock) {
            for (String key : checked) {
                Entry e = data.get(key);
                if (e != null) {
                    result.put(key, pair(key, e));
                }
            }
        }
        return CompletableFuture.completedFuture(Collections.unmodifiableMap(result));
    }

    /** One step under the write lock: atomic, one event per key in order. */
    @Override
    public CompletableFuture<Void> putAllAsync(Map<String, byte[]> entries) {
        Map<String, byte[]> checked = Bulk.checkEntries(entries, maxValueSize);
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (closed.get()) {
            return closedFuture();
        }
        synchronized (writeLock) {
            checked.forEach((k, v) -> write(k, v, 0L));
        }
        return CompletableFuture.completedFuture(null);
    }

    /** One step under the write lock: atomic. */
    @Override
    public CompletableFuture<Void> deleteAllAsync(Collection<String> keys) {
        List<String> checked = Bulk.checkKeys(keys);
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (closed.get()) {
            return closedFuture();
        }
        synchronized (writeLock) {
            checked.forEach(this::remove);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<TxnResult> commit(Txn txn) {
        Keys.checkTxn(MemoryKvStoreProvider.STORE_TYPE, txn, maxValueSize, MAX_TXN_SIZE, CAPABILITIES);
        List<MemoryLease> leases = new ArrayList<>();
        for (Txn.Operation op : txn.operations()) {
            if (op instanceof Txn.Put put && put.lease().isPresent()) {
                leases.add(ownLease(put.lease().get()));
            }
        }
        if (closed.get()) {
            return closedFuture();
        }
        synchronized (writeLock) {
            for (MemoryLease lease : leases) {
                if (store.leases().get(lease.id()) != lease) {
                    return CompletableFuture.failedFuture(new KvStoreException(
                            "memory commit \"" + txn.operations().get(0).key() + "\" failed: lease " + lease.id()
                                    + " is no longer active"));
                }
            }
            for (Txn.Condition c : txn.conditions()) {
                if (!holds(c)) {
                    return CompletableFuture.completedFuture(TxnResult.of(false));
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
        if (closed.get()) {
            return closedFuture();
        }
        MemoryLease lease = new MemoryLease(store.nextLeaseId(), ttl);
        store.leases().put(lease.id(), lease);
        return CompletableFuture.completedFuture(lease);
    }

    /** A lease is kept alive for as long as its client is open, so its remaining TTL is its TTL. */
    @Override
    public CompletableFuture<Optional<KvLeaseInfo>> leaseInfo(long id) {
        if (closed.get()) {
            return closedFuture();
        }
        KvLease lease = store.leases().get(id);
        if (lease == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<String> keys = data.entrySet().stream()
                .filter(e -> e.getValue().lease() == id)
                .map(Map.Entry::getKey)
                .toList();
        return CompletableFuture.completedFuture(Optional.of(new KvLeaseInfo(id, lease.ttl(), lease.ttl(), keys)));
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
            // As a process that dies: this client's leases end and their keys go.
            for (MemoryLease lease : new ArrayList<>(store.leases().values())) {
                if (lease.owner() == this) {
                    endLease(lease);
                    lease.lost();
                }
            }
            for (MemoryWatch w : new ArrayList<>(watches)) {
                w.close();
            }
            store.release();
        }
    }

    private static KvPair pair(String key, Entry e) {
        return new KvPair(key, e.value(), e.version(), e.lease());
    }

    private boolean holds(Txn.Condition c) {
        Entry e = data.get(c.key());
        if (c instanceof Txn.Absent) {
            return e == null;
        } else if (c instanceof Txn.Present) {
            return e != null;
        } else if (c instanceof Txn.VersionIs v) {
            return v.version() == 0 ? e == null : e != null && e.version() == v.version();
        } else {
            return e != null && Arrays.equals(e.value(), ((Txn.ValueIs) c).value());
        }
    }

    private MemoryLease ownLease(KvLease lease) {
        if (lease instanceof MemoryLease m && m.owner() == this) {
            return m;
        }
        throw new IllegalArgumentException("lease " + lease.id() + " was not granted by this memory client");
    }

    /** Writes a key under the write lock: versions count up, the lease is replaced, watches see it. */
    private void write(String key, byte[] value, long lease) {
        Entry old = data.get(key);
        long version = old == null ? 1 : old.version() + 1;
        data.put(key, new Entry(value, version, lease));
        store.notifyWatches(KvEvent.put(key, value, version));
    }

    /** Deletes a key under the write lock; watches see it if it existed. */
    private void remove(String key) {
        if (data.remove(key) != null) {
            store.notifyWatches(KvEvent.delete(key));
        }
    }

    /** Ends a lease: its keys are deleted, as a server would. */
    private void endLease(MemoryLease lease) {
        synchronized (writeLock) {
            if (store.leases().remove(lease.id()) == null) {
                return;
            }
            List<String> keys = new ArrayList<>();
            data.forEach((k, e) -> {
                if (e.lease() == lease.id()) {
                    keys.add(k);
                }
            });
            keys.forEach(this::remove);
        }
    }

    private static <T> CompletableFuture<T> closedFuture() {
        return CompletableFuture.failedFuture(new KvStoreException("the memory store's client is closed"));
    }

    /**
     * A lease of the in-process store. Nothing can stop keeping it alive but its client's close
     * (which ends it, as a process exit would) or {@link #revoke()}.
     */
    final class MemoryLease extends AbstractKvLease {
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
