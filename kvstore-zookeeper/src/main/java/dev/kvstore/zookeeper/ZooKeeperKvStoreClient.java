package dev.kvstore.zookeeper;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvLeaseInfo;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.Txn;
import dev.kvstore.TxnResult;
import dev.kvstore.spi.AbstractKvLease;
import dev.kvstore.spi.BoundedByTimeout;
import dev.kvstore.spi.Bulk;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.Keys;
import dev.kvstore.spi.WaitingCaller;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.async.api.RemoveWatcherOption;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code zookeeper} store on Curator's asynchronous API: checks arguments, bounds every
 * operation by the timeout, translates failures, and hands the work to the classes that do it:
 * {@link ZooKeeperConnection} (set-up), {@link ZooKeeperReader} (reads and the tree scan),
 * {@link ZooKeeperWriter} (puts and deletes), {@link ZooKeeperTransactions} (transactions),
 * {@link ZooKeeperLeases} (leases), {@link ZooKeeperWatch} (watches).
 *
 * <p>Keys map onto znodes as {@link KeyPaths} says; the layout of keys and containers is in
 * {@link ZooKeeperWriter}, versions in {@link ZooKeeperReader}.
 *
 * <p><b>Threads.</b> Operations are called from any thread. Curator runs every callback and watch
 * event on its one event thread; nothing here blocks it. Returned futures may complete on that
 * thread or on a {@code kvstore-timer-worker} thread (timeouts). Connection-state changes arrive on Curator's state thread
 * and are passed to every open watch.
 *
 * <p><b>Blocking calls.</b> When the caller only waits for the future ({@link WaitingCaller}: the
 * Backend's blocking forms) of {@code get}, {@code exists}, {@code put}, {@code delete},
 * {@code putIfAbsent}, {@code compareAndSet} or {@code commit}, ZooKeeper is connected and the thread is not
 * interrupted, the requests the operation sends on the ZooKeeper handle from the calling thread are
 * made with ZooKeeper's synchronous API there ({@link ZooKeeperRequests}): ZooKeeper's I/O thread
 * wakes the caller directly, where an asynchronous reply would go through the event thread first
 * (one thread hop more per request, on a thread every callback shares). The future is then usually
 * complete when it is returned, and completed on the calling thread. The timeout bounds those
 * requests through an {@link InterruptingDeadline} (which leaves no interrupt of its own behind);
 * what the operation does next on another thread (Curator's waiting and retries after a
 * connection problem, a slower path's continuations) is bounded by what is left of the timeout. A
 * timed-out call fails as on the asynchronous path; one that someone else interrupts fails with
 * "interrupted while waiting", its thread still interrupted.
 */
final class ZooKeeperKvStoreClient implements KvStoreClient, BoundedByTimeout {

    /** Versions, transactions as multis, leases as ephemeral znodes (every operation is bounded: {@link BoundedByTimeout}). */
    private static final Set<KvCapability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            KvCapability.VERSIONS,
            KvCapability.CONDITIONAL_WRITES,
            KvCapability.TRANSACTIONS,
            KvCapability.LEASES,
            KvCapability.LOCKS));

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperKvStoreClient.class);

    private final ZooKeeperSettings settings;
    private final KeyPaths paths;
    private final ZooKeeperConnection connection;
    private final ZooKeeperReader reader;
    private final ZooKeeperWriter writer;
    private final ZooKeeperLeases leases;
    private final ZooKeeperTransactions txns;
    private final ZooKeeperBulk bulk;
    private final Set<ZooKeeperWatch> watches = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    ZooKeeperKvStoreClient(ZooKeeperSettings settings) {
        this.settings = settings;
        this.paths = settings.paths();
        this.connection = new ZooKeeperConnection(settings);
        this.leases = new ZooKeeperLeases(connection, settings);
        this.reader = new ZooKeeperReader(connection, paths, leases);
        this.writer = new ZooKeeperWriter(connection, reader, paths);
        this.txns = new ZooKeeperTransactions(connection, reader, leases, paths, settings.maxValueSize());
        this.bulk = new ZooKeeperBulk(
                reader, txns, paths, settings.maxValueSize() + ZooKeeperTransactions.REQUEST_OVERHEAD);
        connection.curator().getConnectionStateListenable().addListener(this::stateChanged);
        connection.start();
    }

    KeyPaths paths() {
        return paths;
    }

    ZooKeeperReader reader() {
        return reader;
    }

    /** The Curator client, for tests that expire the session. */
    CuratorFramework curator() {
        return connection.curator();
    }

    // ---- reads ---------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Optional<KvPair>> get(String key) {
        Keys.checkKey(key);
        String path = paths.path(key);
        return blocking("get", key, () -> reader.get(key, path));
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        Keys.checkKey(key);
        String path = paths.path(key);
        return blocking("exists", key, () -> reader.read(path).thenApply(node -> node != null && node.isKey()));
    }

    @Override
    public CompletableFuture<Map<String, KvPair>> list(String prefix) {
        Keys.checkPrefix(prefix);
        return bounded("list", prefix, () -> reader.scan(prefix).thenApply(Collections::unmodifiableMap));
    }

    @Override
    public CompletableFuture<List<String>> listKeys(String prefix) {
        Keys.checkPrefix(prefix);
        return bounded("listKeys", prefix, () -> reader.scan(prefix).thenApply(m -> List.copyOf(m.keySet())));
    }

    // ---- writes --------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Void> put(String key, byte[] value) {
        Keys.checkKey(key);
        byte[] copy = Keys.checkValue(key, value, settings.maxValueSize()).clone();
        String path = paths.path(key);
        return blocking("put", key, () -> writer.put(path, copy));
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        Keys.checkKey(key);
        String path = paths.path(key);
        return blocking("delete", key, () -> writer.delete(path));
    }

    @Override
    public CompletableFuture<Void> deleteWithPrefix(String prefix) {
        Keys.checkPrefix(prefix);
        return bounded("deleteWithPrefix", prefix, () -> writer.deleteWithPrefix(prefix));
    }

    // ---- bulk operations ({@link ZooKeeperBulk}) -------------------------------------------------

    @Override
    public CompletableFuture<Map<String, KvPair>> getAllAsync(Collection<String> keys) {
        List<String> checked = Bulk.checkKeys(keys);
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return bounded("getAll", checked.get(0), () -> bulk.getAll(checked));
    }

    @Override
    public CompletableFuture<Void> putAllAsync(Map<String, byte[]> entries) {
        Map<String, byte[]> checked = Bulk.checkEntries(entries, settings.maxValueSize());
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return bounded("putAll", checked.keySet().iterator().next(), () -> bulk.putAll(checked));
    }

    @Override
    public CompletableFuture<Void> deleteAllAsync(Collection<String> keys) {
        List<String> checked = Bulk.checkKeys(keys);
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return bounded("deleteAll", checked.get(0), () -> bulk.deleteAll(checked));
    }

    // ---- transactions and leases -------------------------------------------------------------

    @Override
    public CompletableFuture<TxnResult> commit(Txn txn) {
        Keys.checkTxn(
                ZooKeeperKvStoreProvider.STORE_TYPE,
                txn,
                settings.maxValueSize(),
                ZooKeeperTransactions.MAX_TXN_SIZE,
                CAPABILITIES);
        txns.check(txn);
        return blocking("commit", txn.keys().get(0), () -> txns.commit(txn).thenApply(TxnResult::of));
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value) {
        Txn txn = Txn.builder().ifAbsent(key).put(key, value).build();
        Keys.checkTxn(
                ZooKeeperKvStoreProvider.STORE_TYPE,
                txn,
                settings.maxValueSize(),
                ZooKeeperTransactions.MAX_TXN_SIZE,
                CAPABILITIES);
        byte[] copy = value.clone();
        return blocking("putIfAbsent", key, () -> txns.putIfAbsent(txn, key, copy));
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, long expectedVersion, byte[] value) {
        Txn txn = Txn.builder().ifVersion(key, expectedVersion).put(key, value).build();
        Keys.checkTxn(
                ZooKeeperKvStoreProvider.STORE_TYPE,
                txn,
                settings.maxValueSize(),
                ZooKeeperTransactions.MAX_TXN_SIZE,
                CAPABILITIES);
        byte[] copy = value.clone();
        return blocking("compareAndSet", key, () -> txns.compareAndSet(txn, key, expectedVersion, copy));
    }

    @Override
    public int maxTxnSize() {
        return ZooKeeperTransactions.MAX_TXN_SIZE;
    }

    /**
     * Not on ZooKeeper: a lease is a client's session, and no client can read another session's
     * timeout or enumerate sessions; the ephemeral nodes' {@code ephemeralOwner} ({@link
     * KvPair#lease()}) names the session that holds a key.
     */
    @Override
    public CompletableFuture<List<KvLeaseInfo>> listLeases(String prefix) {
        throw new UnsupportedOperationException(
                "zookeeper cannot list leases: a lease is a client session, and no client can read another"
                        + " session's timeout (KvPair.lease() names the session that holds a key)");
    }

    @Override
    public CompletableFuture<KvLease> grantLease(Duration ttl) {
        AbstractKvLease.checkTtl(ttl);
        return bounded("grantLease", ttl.toString(), () -> leases.grant(ttl));
    }

    // ---- watches -------------------------------------------------------------------------------

    @Override
    public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        String watchPath;
        AddWatchMode mode;
        if (withPrefix) {
            Keys.checkPrefix(key);
            watchPath = paths.scan(key).parentPath();
            mode = AddWatchMode.PERSISTENT_RECURSIVE;
        } else {
            Keys.checkKey(key);
            watchPath = paths.path(key);
            mode = AddWatchMode.PERSISTENT;
        }
        ZooKeeperWatch watch = new ZooKeeperWatch(this, key, withPrefix, listener, watchPath, mode);
        return bounded(
                        "watch",
                        key,
                        () -> addWatch(watch).thenApply(x -> {
                            watches.add(watch);
                            return (KvWatch) watch;
                        }))
                .whenComplete((w, t) -> {
                    if (t != null) {
                        watch.close();
                    }
                });
    }

    CompletableFuture<Void> addWatch(ZooKeeperWatch watch) {
        return connection
                .async()
                .addWatch()
                .withMode(watch.mode())
                .usingWatcher(watch)
                .forPath(watch.watchPath())
                .toCompletableFuture();
    }

    void removeWatch(ZooKeeperWatch watch) {
        watches.remove(watch);
        if (closed.get()) {
            return;
        }
        try {
            connection
                    .async()
                    .removeWatches()
                    .removing(
                            watch,
                            Watcher.WatcherType.Any,
                            EnumSet.of(RemoveWatcherOption.local, RemoveWatcherOption.quietly))
                    .forPath(watch.watchPath())
                    .exceptionally(t -> {
                        LOG.debug("removing the watch on {} failed", watch.watchPath(), t);
                        return null;
                    });
        } catch (RuntimeException e) {
            LOG.debug("removing the watch on {} failed", watch.watchPath(), e);
        }
    }

    private void stateChanged(CuratorFramework client, ConnectionState state) {
        leases.stateChanged(state);
        switch (state) {
            case SUSPENDED:
            case LOST:
                watches.forEach(ZooKeeperWatch::connectionDown);
                break;
            case RECONNECTED:
                watches.forEach(ZooKeeperWatch::reconnected);
                break;
            default:
                break;
        }
    }

    // ---- liveness, limits, close ---------------------------------------------------------------

    @Override
    public CompletableFuture<Boolean> isConnectionUp() {
        if (closed.get()) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<?> probe =
                connection.async().checkExists().forPath(paths.root()).toCompletableFuture();
        return Futures.withTimeout(probe, settings.timeout(), () -> new KvStoreUnavailableException("no answer"))
                .handle((stat, t) -> t == null);
    }

    @Override
    public long maxValueSize() {
        return settings.maxValueSize();
    }

    @Override
    public Set<KvCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (ZooKeeperWatch w : List.copyOf(watches)) {
                w.close();
            }
            leases.close();
            connection.close();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "ZooKeeperKvStoreClient[" + settings + "]";
    }

    /**
     * As {@link #bounded}, for an operation whose common path is one request on the ZooKeeper
     * handle: when the caller only waits for its future ({@link WaitingCaller}: the Backend's
     * blocking forms), ZooKeeper is connected and the thread is not interrupted, its requests from
     * this thread are made synchronously ({@link ZooKeeperRequests}), bounded by an
     * {@link InterruptingDeadline}, and the future is usually complete when it is returned.
     */
    private <T> CompletableFuture<T> blocking(String op, String subject, Supplier<CompletableFuture<T>> run) {
        if (WaitingCaller.claim() == null
                || closed.get()
                || Thread.currentThread().isInterrupted()
                || connection.connectedHandle() == null) {
            return bounded(op, subject, run);
        }
        long start = System.nanoTime();
        CompletableFuture<T> result = new CompletableFuture<>();
        InterruptingDeadline deadline = InterruptingDeadline.start(settings.timeout());
        CompletableFuture<T> running;
        try {
            running = ZooKeeperRequests.onCaller(deadline, run);
        } catch (RuntimeException e) {
            running = CompletableFuture.failedFuture(e);
        } finally {
            deadline.finish();
        }
        if (deadline.stopped()) {
            // A request was cut short: by the timeout, or by someone else's interrupt (which is kept).
            result.completeExceptionally(
                    deadline.timedOut()
                            ? ZooKeeperErrors.timedOut(op, subject, settings.timeout())
                            : ZooKeeperErrors.interrupted(op, subject));
            return result;
        }
        settle(running, result, op, subject);
        if (result.isDone()) {
            return result;
        }
        // What is left runs as on the asynchronous path (Curator's retries), within the time left.
        long left = settings.timeout().toNanos() - (System.nanoTime() - start);
        if (left <= 0) {
            result.completeExceptionally(ZooKeeperErrors.timedOut(op, subject, settings.timeout()));
            return result;
        }
        return Futures.withTimeout(
                result, Duration.ofNanos(left), () -> ZooKeeperErrors.timedOut(op, subject, settings.timeout()));
    }

    /** Runs an operation bounded by the timeout, with failures turned into kvstore exceptions. */
    private <T> CompletableFuture<T> bounded(String op, String subject, Supplier<CompletableFuture<T>> run) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed.get()) {
            result.completeExceptionally(ZooKeeperErrors.closed(op, subject));
            return result;
        }
        CompletableFuture<T> running;
        try {
            running = run.get();
        } catch (RuntimeException e) {
            running = CompletableFuture.failedFuture(e);
        }
        settle(running, result, op, subject);
        return Futures.withTimeout(
                result, settings.timeout(), () -> ZooKeeperErrors.timedOut(op, subject, settings.timeout()));
    }

    /** Completes {@code result} as {@code running} completes, with failures turned into kvstore exceptions. */
    private <T> void settle(CompletableFuture<T> running, CompletableFuture<T> result, String op, String subject) {
        running.whenComplete((v, t) -> {
            if (t == null) {
                result.complete(v);
            } else {
                result.completeExceptionally(ZooKeeperErrors.translate(op, subject, t, closed.get()));
            }
        });
    }
}
