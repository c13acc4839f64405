package dev.kvstore.etcd;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvLeaseInfo;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.Txn;
import dev.kvstore.TxnResult;
import dev.kvstore.WatchOptions;
import dev.kvstore.spi.BoundedByTimeout;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.Keys;
import dev.kvstore.spi.SnapshotWatch;
import dev.kvstore.spi.SnapshotWatchSource;
import dev.kvstore.spi.WaitingCaller;
import dev.kvstore.spi.WatchFeed;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The etcd {@link KvStoreClient}: one jetcd {@link Client} (one gRPC channel, multiplexed) for
 * every call.
 *
 * <p>Threads. jetcd runs its callbacks on a same-thread executor, so responses are handled
 * on the vert.x event loop without a hop to jetcd's pool. No user code runs there: every
 * future this client returns is completed on the client's own {@code kvstore-etcd-N-callback}
 * threads (or, on a timeout, the SPI's timer workers), except the future of a caller that only
 * waits for it ({@link WaitingCaller}: the Backend's blocking forms), completed on the event loop
 * itself to save a thread wake-up, since nothing is chained on it (so are the reads a watch makes
 * for itself: {@link #readRange}, {@link #currentRevision}); watch events go through the SPI's
 * {@link dev.kvstore.spi.ListenerDispatcher}, and leases' {@code onLost} actions run on the SPI's
 * lease threads ({@link EtcdLeases}). {@link #close()} may be called from any thread.
 *
 * <p>Time. Every operation is bounded by the configured timeout: each unary gRPC call still open
 * when it passes is cancelled ({@link DeadlineInterceptor}; jetcd would otherwise wait for a
 * connection forever), and the returned future fails
 * with {@link KvStoreUnavailableException} when the timeout passes ({@link Futures#withTimeout},
 * on the SPI's one timer), whatever jetcd's retries do.
 */
final class EtcdKvStoreClient implements KvStoreClient, BoundedByTimeout, SnapshotWatchSource {

    private static final Set<KvCapability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            KvCapability.VERSIONS,
            KvCapability.EVERY_WRITE_EVENT,
            KvCapability.CONDITIONAL_WRITES,
            KvCapability.TRANSACTIONS,
            KvCapability.LEASES,
            KvCapability.LOCKS));

    /** The smallest possible key: with {@code range_end} {@code "\0"} it means every key. */
    private static final ByteSequence ZERO_KEY = ByteSequence.from(new byte[] {0});

    /** A read of one key nobody can write (keys hold no U+0000), for the current revision. */
    private static final GetOption COUNT_ONLY =
            GetOption.builder().withCountOnly(true).build();

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final EtcdSettings settings;
    private final Client client;
    private final KV kv;
    private final Object watchClientLock = new Object();
    private volatile Watch watchClient;
    private final ExecutorService completer;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private final EtcdLeases leases;
    private final EtcdBulk bulk;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;

    EtcdKvStoreClient(EtcdSettings settings) {
        this.settings = settings;
        int id = CLIENTS.incrementAndGet();
        KeepAliveClock keepAliveClock = new KeepAliveClock();
        this.client = newJetcdClient(settings, keepAliveClock);
        this.kv = client.getKVClient();
        this.bulk = new EtcdBulk(this, kv, settings);
        this.leases = new EtcdLeases(this, client.getLeaseClient(), settings.timeout());
        keepAliveClock.answersTo(leases);
        this.completer = Executors.newCachedThreadPool(threads("kvstore-etcd-" + id + "-callback"));
    }

    private static Client newJetcdClient(EtcdSettings settings, KeepAliveClock keepAliveClock) {
        List<URI> uris = new ArrayList<>();
        String scheme = settings.tls() ? "https://" : "http://";
        for (var endpoint : settings.endpoints()) {
            uris.add(URI.create(scheme + endpoint));
        }
        // jetcd retries reads that fail with UNAVAILABLE; keep those retries inside the timeout.
        long timeoutMillis = Math.max(10, settings.timeout().toMillis());
        long retryDelay = Math.min(500, timeoutMillis / 5);
        long retryMaxDelay = Math.min(2_500, timeoutMillis / 2);
        ClientBuilder builder = Client.builder()
                .endpoints(uris)
                .executorService(MoreExecutors.newDirectExecutorService())
                .connectTimeout(settings.connectTimeout())
                .retryDelay(retryDelay)
                .retryMaxDelay(retryMaxDelay)
                .retryMaxDuration(Duration.ofMillis(timeoutMillis))
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .interceptor(new DeadlineInterceptor(settings.timeout()), keepAliveClock);
        if (settings.username().isPresent()) {
            builder.user(ByteSequence.from(settings.username().get(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(settings.password().orElseThrow(), StandardCharsets.UTF_8));
        }
        if (settings.tls()) {
            try {
                builder.sslContext(ssl -> {
                    settings.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
                    settings.certFile()
                            .ifPresent(cert -> ssl.keyManager(
                                    cert.toFile(),
                                    settings.keyFile().orElseThrow().toFile()));
                });
            } catch (SSLException | RuntimeException e) {
                throw new KvStoreConfigurationException(
                        "etcd TLS options cannot be used (" + EtcdOptions.TLS_CA_FILE + ", " + EtcdOptions.TLS_CERT_FILE
                                + ", " + EtcdOptions.TLS_KEY_FILE + "): " + e.getMessage(),
                        e);
            }
        }
        try {
            return builder.build();
        } catch (RuntimeException e) {
            throw new KvStoreConfigurationException(
                    "etcd client cannot be built for " + settings.endpoints() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Optional<KvPair>> get(String key) {
        Keys.checkKey(key);
        return call(
                "get",
                key,
                () -> kv.get(bytes(key)),
                r -> r.getKvs().isEmpty()
                        ? Optional.empty()
                        : Optional.of(pair(r.getKvs().get(0))));
    }

    @Override
    public CompletableFuture<Map<String, KvPair>> list(String prefix) {
        Keys.checkPrefix(prefix);
        Range range = Range.of(prefix);
        GetOption option = GetOption.builder().withRange(range.end()).build();
        return call("list", prefix, () -> kv.get(range.start(), option), r -> {
            List<KeyValue> kvs = r.getKvs();
            Map<String, KvPair> result = new LinkedHashMap<>(mapCapacity(kvs.size()));
            for (KeyValue kv : kvs) {
                KvPair pair = pair(kv);
                result.put(pair.key(), pair);
            }
            return Collections.unmodifiableMap(result);
        });
    }

    @Override
    public CompletableFuture<List<String>> listKeys(String prefix) {
        Keys.checkPrefix(prefix);
        Range range = Range.of(prefix);
        GetOption option =
                GetOption.builder().withRange(range.end()).withKeysOnly(true).build();
        return call("listKeys", prefix, () -> kv.get(range.start(), option), r -> {
            List<String> keys = new ArrayList<>(r.getKvs().size());
            for (KeyValue kv : r.getKvs()) {
                keys.add(kv.getKey().toString(StandardCharsets.UTF_8));
            }
            return Collections.unmodifiableList(keys);
        });
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        Keys.checkKey(key);
        return call("exists", key, () -> kv.get(bytes(key), COUNT_ONLY), r -> r.getCount() > 0);
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value) {
        Keys.checkKey(key);
        Keys.checkValue(key, value, settings.maxValueSize()); // throws before anything is sent, as memory does
        return call("put", key, () -> kv.put(bytes(key), ByteSequence.from(value)), r -> null);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        Keys.checkKey(key);
        return call("delete", key, () -> kv.delete(bytes(key)), r -> null);
    }

    @Override
    public CompletableFuture<Void> deleteWithPrefix(String prefix) {
        Keys.checkPrefix(prefix);
        Range range = Range.of(prefix);
        DeleteOption option = DeleteOption.builder().withRange(range.end()).build();
        return call("deleteWithPrefix", prefix, () -> kv.delete(range.start(), option), r -> null);
    }

    /** One transaction of gets per batch ({@link EtcdBulk}): each batch read at one revision. */
    @Override
    public CompletableFuture<Map<String, KvPair>> getAllAsync(Collection<String> keys) {
        return bulk.getAll(keys);
    }

    /** One transaction of puts per batch ({@link EtcdBulk}): atomic per batch, not across batches. */
    @Override
    public CompletableFuture<Void> putAllAsync(Map<String, byte[]> entries) {
        return bulk.putAll(entries);
    }

    /** One transaction of deletes per batch ({@link EtcdBulk}): atomic per batch, not across batches. */
    @Override
    public CompletableFuture<Void> deleteAllAsync(Collection<String> keys) {
        return bulk.deleteAll(keys);
    }

    @Override
    public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        return open(key, withPrefix, listener, null, EtcdWatch::start).thenApply(w -> w);
    }

    /**
     * The gap-free watch's source ({@link dev.kvstore.spi.GapFreeWatch}, behind the four-argument
     * watch): an initial state is a read at revision R followed by a watch from R + 1, a resync a
     * read placed exactly in the stream by its revision, and {@link WatchOptions#fromRevision()} a
     * watch from that revision (a compacted one is a gap: etcd creates the watch, then says the
     * revision is gone, and the watch reports {@code UNKNOWN} to the gap-free layer, which resyncs).
     */
    @Override
    public CompletableFuture<SnapshotWatch> watchWithSnapshots(
            String key, boolean withPrefix, WatchOptions options, WatchFeed feed) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(feed, "feed");
        if (options.initialState() && options.fromRevision() != 0) {
            throw new UnsupportedOperationException(
                    "etcd: an initial state and a revision to replay from " + "cannot be combined (" + options + ")");
        }
        Function<EtcdWatch, CompletableFuture<Void>> starter = options.initialState()
                ? EtcdWatch::startAfterSnapshot
                : options.fromRevision() != 0 ? w -> w.startAt(options.fromRevision()) : EtcdWatch::start;
        return open(key, withPrefix, event -> {}, feed, starter).thenApply(w -> w);
    }

    /** Opens a watch with {@code starter}, bounded by the timeout; a watch that fails is closed. */
    private CompletableFuture<EtcdWatch> open(
            String key,
            boolean withPrefix,
            Consumer<KvEvent> listener,
            WatchFeed feed,
            Function<EtcdWatch, CompletableFuture<Void>> starter) {
        Objects.requireNonNull(key, "key");
        if (withPrefix) {
            Keys.checkPrefix(key);
        } else {
            Keys.checkKey(key);
        }
        if (closed) {
            return CompletableFuture.failedFuture(closedException("watch", key));
        }
        Range range = withPrefix ? Range.of(key) : new Range(bytes(key), null);
        EtcdWatch watch = new EtcdWatch(this, key, withPrefix, listener, range, feed);
        watches.add(watch);
        CompletableFuture<EtcdWatch> result = new CompletableFuture<>();
        Futures.withTimeout(
                        starter.apply(watch),
                        settings.timeout(),
                        () -> EtcdErrors.timedOut("watch", key, settings.timeout()))
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        watch.close();
                        completeExceptionally(result, EtcdErrors.translate("watch", key, failure));
                    } else {
                        complete(result, watch);
                    }
                });
        return result;
    }

    @Override
    public CompletableFuture<TxnResult> commit(Txn txn) {
        Keys.checkTxn(EtcdKvStoreProvider.STORE_TYPE, txn, settings.maxValueSize(), maxTxnSize(), CAPABILITIES);
        EtcdTransactions.Request request = EtcdTransactions.prepare(txn, leases, settings.maxRequestBytes());
        return call("commit", txn.keys().get(0), () -> request.send(kv), r -> TxnResult.of(r.isSucceeded()));
    }

    /**
     * The server's {@code --max-txn-ops} ({@link EtcdOptions#MAX_TXN_OPS}, 128 by default), counted
     * as conditions plus operations (etcd counts each list on its own, so this never exceeds it).
     */
    @Override
    public int maxTxnSize() {
        return settings.maxTxnOps();
    }

    @Override
    public CompletableFuture<KvLease> grantLease(Duration ttl) {
        return leases.grant(ttl);
    }

    /** etcd's {@code LeaseTimeToLive} with the lease's keys; a TTL of -1 means no such lease. */
    @Override
    public CompletableFuture<Optional<KvLeaseInfo>> leaseInfo(long id) {
        return call(
                "leaseInfo " + id,
                null,
                () -> client.getLeaseClient()
                        .timeToLive(id, LeaseOption.builder().withAttachedKeys().build()),
                r -> r.getTTL() < 0
                        ? Optional.empty()
                        : Optional.of(new KvLeaseInfo(
                                id,
                                Duration.ofSeconds(r.getGrantedTTL()),
                                Duration.ofSeconds(r.getTTL()),
                                r.getKeys().stream()
                                        .map(k -> k.toString(StandardCharsets.UTF_8))
                                        .sorted()
                                        .toList())));
    }

    @Override
    public CompletableFuture<Boolean> isConnectionUp() {
        if (closed) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        call("liveness check", null, () -> kv.get(ZERO_KEY, COUNT_ONLY), r -> true)
                .whenComplete((up, failure) -> result.complete(failure == null || !EtcdErrors.isUnavailable(failure)));
        return result;
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
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        for (EtcdWatch watch : List.copyOf(watches)) {
            watch.close();
        }
        leases.closeAll(); // while operations still work
        closed = true;
        try {
            client.close();
        } finally {
            completer.shutdown();
        }
    }

    @Override
    public String toString() {
        return "EtcdKvStoreClient[" + settings.endpoints() + (closed ? ", closed" : "") + "]";
    }

    // ---- for EtcdWatch

    /** jetcd's watch client, created on first use. */
    Watch watchClient() {
        Watch w = watchClient;
        if (w == null) {
            synchronized (watchClientLock) {
                w = watchClient;
                if (w == null) {
                    w = client.getWatchClient();
                    watchClient = w;
                }
            }
        }
        return w;
    }

    /**
     * The store's current revision, read with a count-only get of a key nobody writes. Completes
     * on jetcd's event loop (or a timer worker on a timeout), for {@link EtcdWatch} only: a stage
     * on it must neither block nor run user code. Bounded by the timeout.
     *
     * @param watchedKey the key or prefix of the watch that needs it, for error messages
     */
    CompletableFuture<Long> currentRevision(String watchedKey) {
        return call(
                "watch",
                watchedKey,
                () -> kv.get(ZERO_KEY, COUNT_ONLY),
                r -> r.getHeader().getRevision(),
                Runnable::run);
    }

    /**
     * Reads every key of a watch's range, and the revision the read saw. Completes on jetcd's
     * event loop (or a timer worker on a timeout), for {@link EtcdWatch} only: a stage on it must
     * neither block nor run user code. Bounded by the timeout.
     *
     * @param watchedKey the key or prefix of the watch, for error messages
     * @param range the range
     */
    CompletableFuture<GetResponse> readRange(String watchedKey, Range range) {
        GetOption option = range.end() == null
                ? GetOption.DEFAULT
                : GetOption.builder().withRange(range.end()).build();
        return call("watch", watchedKey, () -> kv.get(range.start(), option), r -> r, Runnable::run);
    }

    void forget(EtcdWatch watch) {
        watches.remove(watch);
    }

    // ---- for EtcdLeases

    /** Whether {@link #close()} has begun. */
    boolean isClosed() {
        return closing.get();
    }

    /** The client's callback threads, for work that must not run on jetcd's event loop. */
    Executor callbackExecutor() {
        return this::runOnCompleter;
    }

    // ---- helpers

    /**
     * Starts an operation and returns a future that completes on one of this client's threads,
     * with the converted result or a translated failure, within the timeout.
     *
     * @param op the operation, for error messages
     * @param key its key or prefix, for error messages; {@code null} for none
     */
    <T, R> CompletableFuture<R> call(
            String op, String key, Supplier<CompletableFuture<T>> operation, Function<T, R> convert) {
        return call(op, key, operation, convert, null);
    }

    /**
     * As {@link #call(String, String, Supplier, Function)}, completing on {@code completion}.
     *
     * @param completion where the result is completed; {@code null}: on this client's threads, or
     *     on the event loop for a {@link WaitingCaller}
     */
    private <T, R> CompletableFuture<R> call(
            String op,
            String key,
            Supplier<CompletableFuture<T>> operation,
            Function<T, R> convert,
            Executor completion) {
        CompletableFuture<R> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(closedException(op, key));
            return result;
        }
        if (completion == null) {
            // A caller that only waits (the Backend's blocking forms) gets the result on the event loop:
            // no stage of anybody's runs there, and it saves one thread wake-up per call.
            WaitingCaller.Ticket ticket = WaitingCaller.claim();
            if (ticket != null) {
                ticket.bind(result);
            }
            completion = WaitingCaller.executor(ticket, this::runOnCompleter);
        }
        Executor completeOn = completion;
        CompletableFuture<T> pending;
        try {
            pending = operation.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(closed ? closedException(op, key) : EtcdErrors.translate(op, key, e));
            return result;
        }
        Futures.withTimeout(result, settings.timeout(), () -> EtcdErrors.timedOut(op, key, settings.timeout()));
        pending.whenComplete((value, failure) -> completeOn.execute(() -> {
            if (failure != null) {
                result.completeExceptionally(
                        closed ? closedException(op, key) : EtcdErrors.translate(op, key, failure));
                return;
            }
            try {
                result.complete(convert.apply(value));
            } catch (RuntimeException e) {
                result.completeExceptionally(EtcdErrors.translate(op, key, e));
            }
        }));
        return result;
    }

    private <T> void complete(CompletableFuture<T> future, T value) {
        runOnCompleter(() -> future.complete(value));
    }

    private void completeExceptionally(CompletableFuture<?> future, Throwable failure) {
        runOnCompleter(() -> future.completeExceptionally(failure));
    }

    private void runOnCompleter(Runnable task) {
        try {
            completer.execute(task);
        } catch (RejectedExecutionException closedAlready) {
            task.run();
        }
    }

    private static KvStoreException closedException(String op, String key) {
        return EtcdErrors.failed(op, key, "the client is closed");
    }

    /**
     * A key's UTF-8 bytes in one copy: {@code ByteSequence.from(String, Charset)} encodes into an
     * array, then copies it into its {@code ByteString}; {@code copyFromUtf8} wraps the encoded array.
     */
    static ByteSequence bytes(String key) {
        return ByteSequence.from(ByteString.copyFromUtf8(key));
    }

    static KvPair pair(KeyValue kv) {
        return new KvPair(
                kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(), kv.getVersion(), kv.getLease());
    }

    /** The initial capacity of a hash map that holds {@code entries} without growing. */
    static int mapCapacity(int entries) {
        return (int) (entries / 0.75f) + 1;
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * A key range: {@code [start, end)}, or the single key {@code start} when {@code end} is null.
     *
     * @param start the first key
     * @param end the key after the last, or null for one key
     */
    record Range(ByteSequence start, ByteSequence end) {

        /** The range of every key with a raw string prefix; the empty prefix is every key. */
        static Range of(String prefix) {
            if (prefix.isEmpty()) {
                return new Range(ZERO_KEY, ZERO_KEY);
            }
            byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
            byte[] end = start.clone();
            for (int i = end.length - 1; i >= 0; i--) {
                if (end[i] != (byte) 0xff) {
                    end[i]++;
                    return new Range(ByteSequence.from(start), ByteSequence.from(java.util.Arrays.copyOf(end, i + 1)));
                }
            }
            return new Range(ByteSequence.from(start), ZERO_KEY);
        }
    }

    /**
     * Bounds every unary gRPC call by the operation timeout: a call still open when it passes is
     * cancelled, and its listener is told {@code DEADLINE_EXCEEDED}, as a gRPC deadline would. Not
     * a gRPC deadline ({@link CallOptions#withDeadlineAfter}): that sends a {@code grpc-timeout}
     * header whose value differs on every call, which HPACK inserts into both sides' header tables
     * each time (8 % of the client's CPU samples on etcd {@code put-async}), and schedules one task
     * per call on the event loop. Here the calls due in one tick share one task of the SPI's timer
     * ({@link Futures#withTimeout}); the call is cancelled from a timer worker.
     */
    private static final class DeadlineInterceptor implements ClientInterceptor {
        private static final Supplier<RuntimeException> TIMED_OUT = () -> new IllegalStateException("timed out");

        private final Duration timeout;

        DeadlineInterceptor(Duration timeout) {
            this.timeout = timeout;
        }

        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            ClientCall<Q, A> call = next.newCall(method, options);
            if (method.getType() != MethodDescriptor.MethodType.UNARY || options.getDeadline() != null) {
                return call;
            }
            return new BoundedCall<>(call, timeout);
        }
    }

    /**
     * A unary call cancelled when the timeout passes before it closes.
     *
     * @param <Q> the request type
     * @param <A> the response type
     */
    private static final class BoundedCall<Q, A> extends ForwardingClientCall.SimpleForwardingClientCall<Q, A> {
        private final Duration timeout;
        /** Completed when the call closes; failed by the timer when the timeout passes first. */
        private final CompletableFuture<Void> open = new CompletableFuture<>();

        private volatile boolean timedOut;

        BoundedCall(ClientCall<Q, A> call, Duration timeout) {
            super(call);
            this.timeout = timeout;
        }

        @Override
        public void start(Listener<A> listener, Metadata headers) {
            Futures.withTimeout(open, timeout, DeadlineInterceptor.TIMED_OUT).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    timedOut = true;
                    delegate().cancel("etcd call timed out after " + timeout, null);
                }
            });
            try {
                super.start(
                        new ForwardingClientCallListener.SimpleForwardingClientCallListener<A>(listener) {
                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                open.complete(null);
                                super.onClose(
                                        timedOut && !status.isOk()
                                                ? Status.DEADLINE_EXCEEDED.withDescription(
                                                        "etcd call timed out after " + timeout)
                                                : status,
                                        trailers);
                            }
                        },
                        headers);
            } catch (RuntimeException | Error e) {
                open.complete(null);
                throw e;
            }
        }
    }
}
