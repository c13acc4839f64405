package dev.kvstore.backend;

import dev.kvstore.KvCapability;
import dev.kvstore.KvElection;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvLeaseInfo;
import dev.kvstore.KvLock;
import dev.kvstore.KvPair;
import dev.kvstore.KvRegistration;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.Txn;
import dev.kvstore.TxnResult;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.internal.Coordination;
import dev.kvstore.backend.observe.BackendInstrumentation;
import dev.kvstore.backend.observe.BackendObserver;
import dev.kvstore.spi.BoundedByTimeout;
import dev.kvstore.spi.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The façade users hold: one store, chosen by its storeType, under a path prefix, with blocking
 * operations bounded by a timeout, their asynchronous forms, and liveness.
 *
 * <pre>{@code
 * try (Backend b = Backend.create("etcd", "127.0.0.1:2379", Duration.ofSeconds(5), "service/voltha")) {
 *     b.put("config", "on");                       // stores "service/voltha/config"
 *     Optional<KvPair> p = b.get("config");        // p.get().key() is "service/voltha/config"
 * }
 * }</pre>
 *
 * <p><b>Stores.</b> The storeType names a {@link dev.kvstore.spi.KvStoreProvider} found with
 * {@link java.util.ServiceLoader} on the class path (once, on first use). An unknown storeType, a
 * malformed address or a bad option fails at creation with {@link KvStoreConfigurationException}; a
 * store that is down does not: the Backend is then not alive and its operations fail with
 * {@link KvStoreUnavailableException} until the store answers.
 *
 * <p><b>Keys.</b> A key {@code k} is stored as {@code pathPrefix + "/" + k}, exactly as given
 * ({@code "Prefix"} and {@code "Suffix"} make {@code "Prefix/Suffix"}; nothing is trimmed or
 * collapsed). An <em>empty</em> path prefix means no prefix: keys are stored as given, with no
 * leading {@code "/"}. Prefixes of {@link #list}, {@link #listKeys}, {@link #deleteWithPrefix} and
 * prefix watches are joined the same way, so an empty prefix there means every key under
 * {@code pathPrefix + "/"}. Keys that come back ({@link KvPair#key()}, {@link #list} map keys,
 * {@link #listKeys}, {@link KvEvent#key()}) are the full stored keys, path prefix included.
 *
 * <p><b>Limits.</b> A key (or prefix) passed to a Backend is valid Unicode without U+0000 (an
 * unpaired surrogate fails with {@link IllegalArgumentException} on every store) of at most
 * {@value KvStoreClient#MAX_KEY_BYTES} UTF-8 bytes, whatever the path prefix; the path prefix has
 * at most {@value KvStoreClient#MAX_PATH_PREFIX_BYTES} UTF-8 bytes (a longer one fails at
 * {@link Builder#build()}).
 *
 * <p><b>Timeouts and errors.</b> Each blocking method waits at most {@link #timeout()}, then
 * cancels the operation and throws {@link KvStoreUnavailableException}. A store's
 * {@link KvStoreException}, {@link NullPointerException} or {@link IllegalArgumentException} is
 * rethrown as it is; anything else is wrapped in a {@link KvStoreException} that keeps it as the
 * cause. An interrupted wait restores the thread's interrupt flag and throws
 * {@link KvStoreException}. Argument errors ({@code null}, empty key) are thrown at once by both
 * blocking and asynchronous forms. The asynchronous forms ({@code ...Async}) complete within the
 * same timeout, exceptionally with the same exceptions.
 *
 * <p><b>Liveness.</b> A new Backend is not alive. After each operation the store answered it is
 * alive, unless the operation failed with {@link KvStoreUnavailableException} (unreachable, or no
 * answer within the timeout); "not found" or a bad argument still means alive (contract §6, as the
 * Go library this follows, whose store refused bad arguments itself), even when the Backend or client refuses the
 * argument before asking the store. See {@link #enableLivenessChannel()} for the channel.
 *
 * <p>Thread-safe. Close it to release the store's connection and watches.
 */
public final class Backend implements AutoCloseable {

    /** Default of {@link Builder#livenessInterval(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_LIVENESS_INTERVAL = Duration.ofSeconds(30);
    /** Default of {@link Builder#livenessQueueCapacity(int)}: 16. */
    public static final int DEFAULT_LIVENESS_QUEUE_CAPACITY = 16;
    /** The TTL of {@link #lock(String)} and {@link #elect(String, String)}: 10 seconds. */
    public static final Duration DEFAULT_LOCK_TTL = Coordination.DEFAULT_TTL;

    private final String storeType;
    private final String address;
    private final Duration timeout;
    private final String pathPrefix;
    private final String keyPrefix;
    private final KvStoreClient client;
    private final Liveness liveness;
    private final Calls calls;
    private final Coordination coordination;
    /** Null without observers. */
    private final BackendInstrumentation instrumentation;

    private final AtomicBoolean closed = new AtomicBoolean();

    private Backend(Builder b, KvStoreConfig config, KvStoreClient client) {
        this.storeType = config.storeType();
        this.address = config.address();
        this.timeout = config.timeout();
        this.pathPrefix = b.pathPrefix;
        this.keyPrefix = pathPrefix.isEmpty() ? "" : pathPrefix + "/";
        this.client = client;
        this.liveness = new Liveness(b.livenessQueueCapacity, b.livenessInterval, this::tickCheck);
        this.instrumentation = attach(b.observers);
        this.calls =
                new Calls(storeType, keyPrefix, timeout, BoundedByTimeout.isBounded(client), liveness, instrumentation);
        this.coordination = new Coordination(client, storeType, timeout, liveness::record, this::key, instrumentation);
    }

    private BackendInstrumentation attach(List<BackendObserver> observers) {
        if (observers.isEmpty()) {
            return null;
        }
        List<BackendInstrumentation> parts = new ArrayList<>();
        for (BackendObserver o : observers) {
            parts.add(Objects.requireNonNull(o.attach(this), () -> o + " attached no instrumentation"));
        }
        return parts.size() == 1 ? parts.get(0) : new CompositeInstrumentation(parts);
    }

    /**
     * Creates a Backend, as the Go library's {@code NewBackend} did. Does not connect eagerly; does not
     * fail because the store is down.
     *
     * @param storeType the store, such as {@code "etcd"}, {@code "redis"}, {@code "memory"}
     * @param address one or more {@code host:port}, comma-separated (for {@code memory}, the name of
     *     an in-process store shared by every client of that name; empty for a private one)
     * @param timeout how long each operation may take; positive
     * @param pathPrefix put before every key with a {@code "/"}; empty for none
     * @return a new Backend, owned by the caller
     * @throws NullPointerException if an argument is null
     * @throws KvStoreConfigurationException if no store of that storeType is on the class path,
     *     or the address or timeout is malformed
     */
    public static Backend create(String storeType, String address, Duration timeout, String pathPrefix) {
        return builder()
                .storeType(storeType)
                .address(address)
                .timeout(timeout)
                .pathPrefix(pathPrefix)
                .build();
    }

    /**
     * Starts building a Backend.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Every storeType found on the class path, for tools that list them.
     *
     * @return the storeTypes, sorted
     * @throws KvStoreConfigurationException if two providers on the class path share a storeType
     */
    public static Set<String> availableStoreTypes() {
        return StoreRegistry.instance().storeTypes();
    }

    // ---- accessors ----

    /**
     * The storeType, lowercase.
     *
     * @return the storeType
     */
    public String storeType() {
        return storeType;
    }

    /**
     * The address as given (trimmed).
     *
     * @return the address
     */
    public String address() {
        return address;
    }

    /**
     * How long each operation may take.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The path prefix put before every key; empty for none.
     *
     * @return the path prefix
     */
    public String pathPrefix() {
        return pathPrefix;
    }

    /**
     * The last recorded liveness: whether the last operation or check reached the store. Asks
     * nothing.
     *
     * @return {@code true} if alive
     */
    public boolean isAlive() {
        return liveness.isAlive();
    }

    /**
     * The full stored key of a key: {@code pathPrefix + "/" + key}, or {@code key} when the path
     * prefix is empty.
     *
     * @param key a key or prefix relative to the path prefix; may be empty
     * @return the full key
     * @throws NullPointerException if {@code key} is null
     */
    public String fullKey(String key) {
        Objects.requireNonNull(key, "key");
        return keyPrefix.isEmpty() ? key : keyPrefix.concat(key);
    }

    /**
     * The underlying asynchronous client. It takes full keys (no path prefix is added) and is
     * closed with this Backend.
     *
     * @return the client
     */
    public KvStoreClient client() {
        return client;
    }

    // ---- blocking operations ----

    /**
     * Reads one key.
     *
     * @param key the key, relative to the path prefix
     * @return the pair, with its full key, or empty if the key does not exist
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public Optional<KvPair> get(String key) {
        String full = key(key);
        return calls.await("get", full, () -> client.get(full));
    }

    /**
     * Reads every key that starts with a raw string prefix, with its value.
     *
     * @param prefix the prefix, relative to the path prefix; empty for every key under it
     * @return the pairs by full key, in the store's key order; empty if none
     * @throws NullPointerException if {@code prefix} is null
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public Map<String, KvPair> list(String prefix) {
        String full = prefix(prefix);
        return calls.await("list", full, () -> client.list(full));
    }

    /**
     * Lists the keys that start with a raw string prefix, without values.
     *
     * @param prefix the prefix, relative to the path prefix; empty for every key under it
     * @return the full keys in key order; empty if none
     * @throws NullPointerException if {@code prefix} is null
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public List<String> listKeys(String prefix) {
        String full = prefix(prefix);
        return calls.await("listKeys", full, () -> client.listKeys(full));
    }

    /**
     * Tells whether a key exists, without reading its value.
     *
     * @param key the key, relative to the path prefix
     * @return whether it exists
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public boolean exists(String key) {
        String full = key(key);
        return calls.await("exists", full, () -> client.exists(full));
    }

    /**
     * Creates or replaces a key's value.
     *
     * @param key the key, relative to the path prefix
     * @param value the bytes to store; may be empty
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     * @throws dev.kvstore.KvValueTooLargeException if the value is over the store's limit
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public void put(String key, byte[] value) {
        String full = key(key);
        notNull(value, "value");
        calls.await("put", full, () -> client.put(full, value));
    }

    /**
     * Creates or replaces a key's value with a string, stored as UTF-8.
     *
     * @param key the key, relative to the path prefix
     * @param value the text to store; may be empty
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     * @throws dev.kvstore.KvValueTooLargeException if the value is over the store's limit
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public void put(String key, String value) {
        String full = key(key);
        byte[] bytes = notNull(value, "value").getBytes(StandardCharsets.UTF_8);
        calls.await("put", full, () -> client.put(full, bytes));
    }

    /**
     * Deletes a key. Deleting a missing key is not an error.
     *
     * @param key the key, relative to the path prefix
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public void delete(String key) {
        String full = key(key);
        calls.await("delete", full, () -> client.delete(full));
    }

    /**
     * Deletes every key that starts with a raw string prefix.
     *
     * @param prefix the prefix, relative to the path prefix; empty deletes every key under it
     * @throws NullPointerException if {@code prefix} is null
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public void deleteWithPrefix(String prefix) {
        String full = prefix(prefix);
        calls.await("deleteWithPrefix", full, () -> client.deleteWithPrefix(full));
    }

    /**
     * Reads many keys, pipelined by the store ({@link KvStoreClient#getAllAsync}: not a snapshot
     * unless the store makes it one). Every key is checked before anything is sent; empty input
     * returns an empty map at once, asking the store nothing (liveness unchanged).
     *
     * @param keys the keys, relative to the path prefix; duplicates are read once
     * @return the present keys' pairs by full key (path prefix included); absent keys are missing
     * @throws NullPointerException if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is empty or not a valid key
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public Map<String, KvPair> getAll(Collection<String> keys) {
        List<String> full = keys(keys);
        if (full.isEmpty()) {
            return Map.of();
        }
        return calls.await("getAll", full.get(0), () -> client.getAllAsync(full));
    }

    /**
     * Creates or replaces many keys' values, pipelined by the store. Not atomic unless the store
     * makes it so ({@link KvStoreClient#putAllAsync} says what each store does); every key and value
     * is checked before anything is sent, so a bad one fails the call with nothing written. Empty
     * input returns at once, asking the store nothing.
     *
     * @param entries keys, relative to the path prefix, and their values (empty values allowed)
     * @throws NullPointerException if {@code entries}, a key or a value is null
     * @throws IllegalArgumentException if a key is empty or not a valid key
     * @throws dev.kvstore.KvValueTooLargeException if a value is over the store's limit
     * @throws KvStoreUnavailableException if the store did not answer within the timeout; some
     *     keys may have been written
     * @throws KvStoreException if the store failed the operation; some keys may have been written
     */
    public void putAll(Map<String, byte[]> entries) {
        Map<String, byte[]> full = entries(entries);
        if (full.isEmpty()) {
            return;
        }
        calls.await("putAll", full.keySet().iterator().next(), () -> client.putAllAsync(full));
    }

    /**
     * Deletes many keys, pipelined by the store; missing keys are not an error. Not atomic unless
     * the store makes it so. Empty input returns at once, asking the store nothing.
     *
     * @param keys the keys, relative to the path prefix
     * @throws NullPointerException if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is empty or not a valid key
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation; some keys may have been deleted
     */
    public void deleteAll(Collection<String> keys) {
        List<String> full = keys(keys);
        if (full.isEmpty()) {
            return;
        }
        calls.await("deleteAll", full.get(0), () -> client.deleteAllAsync(full));
    }

    /**
     * Watches a key, or every key with a raw string prefix. When this returns the watch is active
     * on the store: a write made after it is seen. Events carry full keys. If the store does not
     * confirm the watch within the timeout this throws, and a watch confirmed later is closed.
     * Uses {@link WatchOptions#defaults()}: gaps are resynced (the listener gets the difference,
     * then {@code SYNCED}) and at most {@value WatchOptions#DEFAULT_QUEUE_LIMIT} changes wait for it.
     *
     * @param key the key, or the prefix when {@code withPrefix}, relative to the path prefix
     * @param withPrefix {@code true} to watch every key starting with {@code key}
     * @param listener receives the events, on a kvstore thread, never concurrently for one watch
     * @return the watch; close it with {@link #deleteWatch} or {@link KvWatch#close()}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code withPrefix} is false and {@code key} is empty
     *     or not a valid key
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public KvWatch createWatch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        return createWatch(key, withPrefix, listener, WatchOptions.defaults());
    }

    /**
     * Watches a key or prefix with options: initial state, resync after gaps, a bounded queue
     * ({@link WatchOptions}). Otherwise as {@link #createWatch(String, boolean, Consumer)}.
     *
     * @param key the key, or the prefix when {@code withPrefix}, relative to the path prefix
     * @param withPrefix {@code true} to watch every key starting with {@code key}
     * @param listener receives the events, on a kvstore thread, never concurrently for one watch
     * @param options what the watch does beyond its key
     * @return the watch; close it with {@link #deleteWatch} or {@link KvWatch#close()}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code withPrefix} is false and {@code key} is empty
     *     or not a valid key
     * @throws UnsupportedOperationException if the options ask for what the store cannot do
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public KvWatch createWatch(String key, boolean withPrefix, Consumer<KvEvent> listener, WatchOptions options) {
        String full = watchKey(key, withPrefix, listener);
        notNull(options, "options");
        return calls.awaitWatch(full, () -> client.watch(full, withPrefix, calls.listener(listener), options));
    }

    /**
     * Stops a watch: after this returns its listener is not called again. Idempotent.
     *
     * @param watch a watch from {@link #createWatch}
     * @throws NullPointerException if {@code watch} is null
     */
    public void deleteWatch(KvWatch watch) {
        calls.deleteWatch(Objects.requireNonNull(watch, "watch"));
    }

    // ---- asynchronous operations ----

    /**
     * Reads one key, asynchronously.
     *
     * @param key the key, relative to the path prefix
     * @return the pair or empty; fails as {@link #get} throws, within the timeout
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     */
    public CompletableFuture<Optional<KvPair>> getAsync(String key) {
        String full = key(key);
        return calls.async("get", full, () -> client.get(full));
    }

    /**
     * Reads every key with a raw string prefix, asynchronously.
     *
     * @param prefix the prefix, relative to the path prefix; empty for every key under it
     * @return the pairs by full key; fails as {@link #list} throws, within the timeout
     * @throws NullPointerException if {@code prefix} is null
     */
    public CompletableFuture<Map<String, KvPair>> listAsync(String prefix) {
        String full = prefix(prefix);
        return calls.async("list", full, () -> client.list(full));
    }

    /**
     * Lists the keys with a raw string prefix, asynchronously.
     *
     * @param prefix the prefix, relative to the path prefix; empty for every key under it
     * @return the full keys; fails as {@link #listKeys} throws, within the timeout
     * @throws NullPointerException if {@code prefix} is null
     */
    public CompletableFuture<List<String>> listKeysAsync(String prefix) {
        String full = prefix(prefix);
        return calls.async("listKeys", full, () -> client.listKeys(full));
    }

    /**
     * Tells whether a key exists, asynchronously.
     *
     * @param key the key, relative to the path prefix
     * @return whether it exists; fails as {@link #exists} throws, within the timeout
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     */
    public CompletableFuture<Boolean> existsAsync(String key) {
        String full = key(key);
        return calls.async("exists", full, () -> client.exists(full));
    }

    /**
     * Creates or replaces a key's value, asynchronously.
     *
     * @param key the key, relative to the path prefix
     * @param value the bytes to store; may be empty
     * @return completes when stored; fails as {@link #put(String, byte[])} throws, within the timeout
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     */
    public CompletableFuture<Void> putAsync(String key, byte[] value) {
        String full = key(key);
        notNull(value, "value");
        return calls.async("put", full, () -> client.put(full, value));
    }

    /**
     * Creates or replaces a key's value with a string stored as UTF-8, asynchronously.
     *
     * @param key the key, relative to the path prefix
     * @param value the text to store; may be empty
     * @return completes when stored; fails as {@link #put(String, String)} throws, within the timeout
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     */
    public CompletableFuture<Void> putAsync(String key, String value) {
        String full = key(key);
        byte[] bytes = notNull(value, "value").getBytes(StandardCharsets.UTF_8);
        return calls.async("put", full, () -> client.put(full, bytes));
    }

    /**
     * Deletes a key, asynchronously.
     *
     * @param key the key, relative to the path prefix
     * @return completes when the key is gone; fails as {@link #delete} throws, within the timeout
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     */
    public CompletableFuture<Void> deleteAsync(String key) {
        String full = key(key);
        return calls.async("delete", full, () -> client.delete(full));
    }

    /**
     * Deletes every key with a raw string prefix, asynchronously.
     *
     * @param prefix the prefix, relative to the path prefix; empty deletes every key under it
     * @return completes when the keys are gone; fails as {@link #deleteWithPrefix} throws
     * @throws NullPointerException if {@code prefix} is null
     */
    public CompletableFuture<Void> deleteWithPrefixAsync(String prefix) {
        String full = prefix(prefix);
        return calls.async("deleteWithPrefix", full, () -> client.deleteWithPrefix(full));
    }

    /**
     * Reads many keys, asynchronously; as {@link #getAll}.
     *
     * @param keys the keys, relative to the path prefix
     * @return the present keys' pairs by full key; fails as {@link #getAll} throws, within the timeout
     * @throws NullPointerException if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is empty or not a valid key
     */
    public CompletableFuture<Map<String, KvPair>> getAllAsync(Collection<String> keys) {
        List<String> full = keys(keys);
        if (full.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return calls.async("getAll", full.get(0), () -> client.getAllAsync(full));
    }

    /**
     * Creates or replaces many keys' values, asynchronously; as {@link #putAll}.
     *
     * @param entries keys, relative to the path prefix, and their values
     * @return completes when every key is written; fails as {@link #putAll} throws, within the timeout
     * @throws NullPointerException if {@code entries}, a key or a value is null
     * @throws IllegalArgumentException if a key is empty or not a valid key
     */
    public CompletableFuture<Void> putAllAsync(Map<String, byte[]> entries) {
        Map<String, byte[]> full = entries(entries);
        if (full.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return calls.async("putAll", full.keySet().iterator().next(), () -> client.putAllAsync(full));
    }

    /**
     * Deletes many keys, asynchronously; as {@link #deleteAll}.
     *
     * @param keys the keys, relative to the path prefix
     * @return completes when every key is gone; fails as {@link #deleteAll} throws, within the timeout
     * @throws NullPointerException if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is empty or not a valid key
     */
    public CompletableFuture<Void> deleteAllAsync(Collection<String> keys) {
        List<String> full = keys(keys);
        if (full.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return calls.async("deleteAll", full.get(0), () -> client.deleteAllAsync(full));
    }

    /**
     * Watches a key or prefix, asynchronously. The future completes once the watch is active on
     * the store. If it fails with the timeout (or is cancelled) and the store confirms the watch
     * later, that watch is closed.
     *
     * @param key the key, or the prefix when {@code withPrefix}, relative to the path prefix
     * @param withPrefix {@code true} to watch every key starting with {@code key}
     * @param listener receives the events
     * @return the active watch; fails as {@link #createWatch} throws, within the timeout
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code withPrefix} is false and {@code key} is empty
     *     or not a valid key
     */
    public CompletableFuture<KvWatch> createWatchAsync(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        return createWatchAsync(key, withPrefix, listener, WatchOptions.defaults());
    }

    /**
     * Watches a key or prefix with options, asynchronously.
     *
     * @param key the key, or the prefix when {@code withPrefix}, relative to the path prefix
     * @param withPrefix {@code true} to watch every key starting with {@code key}
     * @param listener receives the events
     * @param options what the watch does beyond its key
     * @return the active watch; fails as {@link #createWatch} throws, within the timeout
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code withPrefix} is false and {@code key} is empty
     *     or not a valid key
     * @throws UnsupportedOperationException if the options ask for what the store cannot do
     */
    public CompletableFuture<KvWatch> createWatchAsync(
            String key, boolean withPrefix, Consumer<KvEvent> listener, WatchOptions options) {
        String full = watchKey(key, withPrefix, listener);
        notNull(options, "options");
        return calls.asyncWatch(full, () -> client.watch(full, withPrefix, calls.listener(listener), options));
    }

    // ---- conditional writes, transactions and leases (contract §8, §9) ----

    /**
     * Creates a key only if it does not exist ({@link KvCapability#CONDITIONAL_WRITES}).
     *
     * @param key the key, relative to the path prefix
     * @param value the value
     * @return {@code true} if written; {@code false} if the key existed and nothing was written
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     * @throws UnsupportedOperationException if the store lacks the capability (nothing is sent)
     * @throws KvStoreUnavailableException if the store did not answer within the timeout; the write
     *     may have been applied
     * @throws KvStoreException if the store failed the operation
     */
    public boolean putIfAbsent(String key, byte[] value) {
        String full = key(key);
        notNull(value, "value");
        return calls.await("putIfAbsent", full, () -> client.putIfAbsent(full, value));
    }

    /**
     * Creates a key only if it does not exist, asynchronously.
     *
     * @param key the key, relative to the path prefix
     * @param value the value
     * @return whether it was written; fails as {@link #putIfAbsent} throws
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is empty or not a valid key
     * @throws UnsupportedOperationException if the store lacks the capability
     */
    public CompletableFuture<Boolean> putIfAbsentAsync(String key, byte[] value) {
        String full = key(key);
        notNull(value, "value");
        return calls.async("putIfAbsent", full, () -> client.putIfAbsent(full, value));
    }

    /**
     * Replaces a key's value only if its version is {@code expectedVersion} (0: only if absent);
     * needs {@link KvCapability#CONDITIONAL_WRITES} and {@link KvCapability#VERSIONS}.
     *
     * @param key the key, relative to the path prefix
     * @param expectedVersion the version last read, or 0 for absent
     * @param value the new value
     * @return {@code true} if written; {@code false} if the version differed and nothing was written
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is not valid or {@code expectedVersion} negative
     * @throws UnsupportedOperationException if the store lacks a capability (nothing is sent)
     * @throws KvStoreUnavailableException if the store did not answer within the timeout; the write
     *     may have been applied
     * @throws KvStoreException if the store failed the operation
     */
    public boolean compareAndSet(String key, long expectedVersion, byte[] value) {
        String full = key(key);
        notNull(value, "value");
        return calls.await("compareAndSet", full, () -> client.compareAndSet(full, expectedVersion, value));
    }

    /**
     * Replaces a key's value only if its version is {@code expectedVersion}, asynchronously.
     *
     * @param key the key, relative to the path prefix
     * @param expectedVersion the version last read, or 0 for absent
     * @param value the new value
     * @return whether it was written; fails as {@link #compareAndSet} throws
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is not valid or {@code expectedVersion} negative
     * @throws UnsupportedOperationException if the store lacks a capability
     */
    public CompletableFuture<Boolean> compareAndSetAsync(String key, long expectedVersion, byte[] value) {
        String full = key(key);
        notNull(value, "value");
        return calls.async("compareAndSet", full, () -> client.compareAndSet(full, expectedVersion, value));
    }

    /**
     * Deletes a key only if its version is {@code expectedVersion}; needs
     * {@link KvCapability#CONDITIONAL_WRITES} and {@link KvCapability#VERSIONS}.
     *
     * @param key the key, relative to the path prefix
     * @param expectedVersion the version last read
     * @return {@code true} if the version matched and the key is gone; {@code false} otherwise
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is not valid or {@code expectedVersion} negative
     * @throws UnsupportedOperationException if the store lacks a capability (nothing is sent)
     * @throws KvStoreUnavailableException if the store did not answer within the timeout; the
     *     delete may have been applied
     * @throws KvStoreException if the store failed the operation
     */
    public boolean compareAndDelete(String key, long expectedVersion) {
        String full = key(key);
        return calls.await("compareAndDelete", full, () -> client.compareAndDelete(full, expectedVersion));
    }

    /**
     * Deletes a key only if its version is {@code expectedVersion}, asynchronously.
     *
     * @param key the key, relative to the path prefix
     * @param expectedVersion the version last read
     * @return whether it was deleted; fails as {@link #compareAndDelete} throws
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is not valid or {@code expectedVersion} negative
     * @throws UnsupportedOperationException if the store lacks a capability
     */
    public CompletableFuture<Boolean> compareAndDeleteAsync(String key, long expectedVersion) {
        String full = key(key);
        return calls.async("compareAndDelete", full, () -> client.compareAndDelete(full, expectedVersion));
    }

    /**
     * Applies a transaction atomically ({@link Txn}); its keys are relative to the path prefix.
     *
     * @param txn the transaction
     * @return whether every condition held and every operation was applied
     * @throws NullPointerException if {@code txn} is null
     * @throws IllegalArgumentException if a key is not valid
     * @throws UnsupportedOperationException if the store lacks a capability it needs (nothing is sent)
     * @throws KvStoreUnavailableException if the store did not answer within the timeout; the
     *     transaction may have been applied
     * @throws KvStoreException if it is over the store's size limit, or the store failed it
     */
    public TxnResult commit(Txn txn) {
        Txn full = notNull(txn, "txn").mapKeys(this::key);
        return calls.await("commit", firstKey(full), () -> client.commit(full));
    }

    /**
     * Applies a transaction atomically, asynchronously.
     *
     * @param txn the transaction, keys relative to the path prefix
     * @return the outcome; fails as {@link #commit} throws
     * @throws NullPointerException if {@code txn} is null
     * @throws IllegalArgumentException if a key is not valid
     * @throws UnsupportedOperationException if the store lacks a capability it needs
     */
    public CompletableFuture<TxnResult> commitAsync(Txn txn) {
        Txn full = notNull(txn, "txn").mapKeys(this::key);
        return calls.async("commit", firstKey(full), () -> client.commit(full));
    }

    private String firstKey(Txn txn) {
        return txn.operations().get(0).key();
    }

    /**
     * Grants a lease that the library keeps alive until revoked ({@link KvCapability#LEASES}).
     *
     * @param ttl whole seconds, at least 2
     * @return the lease; close or revoke it to delete its keys
     * @throws NullPointerException if {@code ttl} is null
     * @throws IllegalArgumentException if {@code ttl} is under 2 seconds or not whole seconds
     * @throws UnsupportedOperationException if the store lacks the capability
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public KvLease grantLease(Duration ttl) {
        notNull(ttl, "ttl");
        return calls.await("grantLease", null, () -> client.grantLease(ttl));
    }

    /**
     * Grants a lease, asynchronously.
     *
     * @param ttl whole seconds, at least 2
     * @return the lease; fails as {@link #grantLease} throws
     * @throws NullPointerException if {@code ttl} is null
     * @throws IllegalArgumentException if {@code ttl} is under 2 seconds or not whole seconds
     * @throws UnsupportedOperationException if the store lacks the capability
     */
    public CompletableFuture<KvLease> grantLeaseAsync(Duration ttl) {
        notNull(ttl, "ttl");
        return calls.async("grantLease", null, () -> client.grantLease(ttl));
    }

    /**
     * The leases, any client's, that hold at least one key under a prefix, each with all its keys
     * (full keys, as {@link #list} gives them) and its remaining TTL: an operator's view
     * ({@code kvctl lease ls}). Reads the whole prefix; not for hot paths.
     *
     * @param prefix the prefix, relative to the path prefix; empty for every key under it
     * @return the leases, by id
     * @throws NullPointerException if {@code prefix} is null
     * @throws UnsupportedOperationException if the store lacks {@link KvCapability#LEASES} or cannot
     *     describe a lease (ZooKeeper)
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public List<KvLeaseInfo> listLeases(String prefix) {
        String full = prefix(prefix);
        return calls.await("listLeases", full, () -> client.listLeases(full));
    }

    /**
     * One lease, any client's, by id: its granted and remaining TTL and its (full) keys.
     *
     * @param id the lease's id, as {@link KvPair#lease()} reports it
     * @return the lease, or empty if the store holds none with that id (expired, revoked)
     * @throws UnsupportedOperationException if the store cannot describe a lease (ZooKeeper)
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     * @throws KvStoreException if the store failed the operation
     */
    public Optional<KvLeaseInfo> leaseInfo(long id) {
        return calls.await("leaseInfo", null, () -> client.leaseInfo(id));
    }

    /**
     * Creates or replaces a key that lives as long as a lease.
     *
     * @param key the key, relative to the path prefix
     * @param value the value
     * @param lease a lease from {@link #grantLease}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is not valid or the lease is not this store's
     * @throws UnsupportedOperationException if the store lacks {@link KvCapability#LEASES}
     * @throws KvStoreUnavailableException if the store did not answer within the timeout; the write
     *     may have been applied
     * @throws KvStoreException if the lease is no longer active, or the store failed the operation
     */
    public void put(String key, byte[] value, KvLease lease) {
        String full = key(key);
        notNull(value, "value");
        notNull(lease, "lease");
        calls.await("put", full, () -> client.put(full, value, lease));
    }

    /**
     * Creates or replaces a key that lives as long as a lease, asynchronously.
     *
     * @param key the key, relative to the path prefix
     * @param value the value
     * @param lease a lease from {@link #grantLease}
     * @return completes when written; fails as {@link #put(String, byte[], KvLease)} throws
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is not valid or the lease is not this store's
     * @throws UnsupportedOperationException if the store lacks {@link KvCapability#LEASES}
     */
    public CompletableFuture<Void> putAsync(String key, byte[] value, KvLease lease) {
        String full = key(key);
        notNull(value, "value");
        notNull(lease, "lease");
        return calls.async("put", full, () -> client.put(full, value, lease));
    }

    // ---- coordination (contract §9, §10): written once over transactions, leases and watches ----

    /**
     * A lock shared by every process and client of the store, with the default TTL of
     * {@link #DEFAULT_LOCK_TTL} ({@link KvCapability#LOCKS}). Each acquisition gets a fencing token
     * strictly greater than every earlier one; waiters queue in arrival order and wake on a watch.
     *
     * @param name the lock's name, a key relative to the path prefix (its keys live under {@code name/})
     * @return the lock; {@link KvLock#tryAcquire} talks to the store, each call bounded by the timeout
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is empty
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     */
    public KvLock lock(String name) {
        return coordination.lock(name, DEFAULT_LOCK_TTL);
    }

    /**
     * A lock with its own TTL: a holder that dies or is cut off loses it within the TTL.
     *
     * @param name the lock's name, relative to the path prefix
     * @param ttl whole seconds, at least 2
     * @return the lock
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is empty or {@code ttl} is not whole seconds of at least 2
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     */
    public KvLock lock(String name, Duration ttl) {
        return coordination.lock(name, ttl);
    }

    /**
     * Joins an election as a candidate, with the default TTL ({@link KvCapability#LOCKS}); returns
     * once queued, with the current leader read. The first candidate still alive leads.
     *
     * @param name the election's name, relative to the path prefix
     * @param candidateId this candidate's id, as {@link #leader(String)} shows it
     * @return the candidacy; close it to resign
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is empty
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     */
    public KvElection elect(String name, String candidateId) {
        return coordination.elect(name, candidateId, DEFAULT_LOCK_TTL);
    }

    /**
     * Joins an election with its own TTL: when the leader dies, another leads within the TTL + 2 s.
     *
     * @param name the election's name, relative to the path prefix
     * @param candidateId this candidate's id
     * @param ttl whole seconds, at least 2
     * @return the candidacy; close it to resign
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is empty or {@code ttl} is not whole seconds of at least 2
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     */
    public KvElection elect(String name, String candidateId, Duration ttl) {
        return coordination.elect(name, candidateId, ttl);
    }

    /**
     * Reads an election's leader, as anyone may, candidate or not.
     *
     * @param electionName the election's name, relative to the path prefix
     * @return the leader's candidate id, or empty when there is no candidate
     * @throws NullPointerException if {@code electionName} is null
     * @throws IllegalArgumentException if {@code electionName} is empty
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     */
    public Optional<String> leader(String electionName) {
        return coordination.leader(electionName);
    }

    /**
     * Registers an ephemeral key that comes back by itself ({@link KvCapability#LEASES}): it lives
     * under a lease; when the lease is lost or the key deleted, the library puts it back under a new
     * lease as soon as the store answers, telling {@link KvRegistration#onChange} {@code false} then
     * {@code true}.
     *
     * @param key the key, relative to the path prefix
     * @param value its value
     * @param ttl the lease's TTL: whole seconds, at least 2
     * @return the registration, registered; close it to delete the key
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is empty or {@code ttl} is not whole seconds of at least 2
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LEASES}
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     */
    public KvRegistration register(String key, byte[] value, Duration ttl) {
        return coordination.register(key, value, ttl);
    }

    /**
     * Reserves a key, as the Go library's {@code Reserve}: a leased put-if-absent. The reservation lasts
     * {@code ttl} unless {@linkplain #renewReservation renewed}, and vanishes within {@code ttl} if
     * this process dies ({@link KvCapability#LOCKS}).
     *
     * @param key the key, relative to the path prefix
     * @param value our value
     * @param ttl whole seconds, at least 2
     * @return the holder's value: {@code value} if we won, the other holder's otherwise
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is empty or {@code ttl} is not whole seconds of at least 2
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     */
    public byte[] reserve(String key, byte[] value, Duration ttl) {
        return coordination.reserve(key, value, ttl);
    }

    /**
     * Renews one of our reservations for another TTL from now.
     *
     * @param key the key, relative to the path prefix
     * @return {@code false} if we no longer hold it (released, expired, lost or deleted)
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     * @throws KvStoreUnavailableException if the store did not answer within the timeout
     */
    public boolean renewReservation(String key) {
        return coordination.renewReservation(key);
    }

    /**
     * Releases one of our reservations, deleting its key; does nothing for a key we do not hold.
     *
     * @param key the key, relative to the path prefix
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     * @throws KvStoreUnavailableException if the store did not confirm in time; the key then goes
     *     when its lease's TTL runs out
     */
    public void releaseReservation(String key) {
        coordination.releaseReservation(key);
    }

    /**
     * Releases every reservation made through this Backend, and only those.
     *
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     * @throws KvStoreUnavailableException if the store did not confirm in time
     */
    public void releaseAllReservations() {
        coordination.releaseAllReservations();
    }

    // ---- liveness ----

    /**
     * Asks the store whether it answers ({@link KvStoreClient#isConnectionUp()}), waiting at most
     * the timeout, records the answer and returns it. Writes nothing to the store.
     *
     * @return {@code true} if the store answered; {@code false} if it did not, failed, or did not
     *     answer within the timeout
     * @throws KvStoreException if the waiting thread was interrupted (its flag is restored)
     */
    public boolean performLivenessCheck() {
        return calls.check(client::isConnectionUp);
    }

    /**
     * Asks the store whether it answers, asynchronously; records the answer as
     * {@link #performLivenessCheck()} does.
     *
     * @return completes with the answer within the timeout; never exceptionally
     */
    public CompletableFuture<Boolean> performLivenessCheckAsync() {
        return calls.checkAsync(client::isConnectionUp);
    }

    /**
     * Enables the liveness channel, as the Go library's {@code EnableLivenessChannel}. The first call
     * puts the current state in the queue at once; later calls return the same queue.
     *
     * <p>A state is put in the queue when it changes, or when an operation or check records one
     * and the {@linkplain #setLivenessChannelInterval interval} has passed since the last one.
     * Nothing ever blocks on the queue: it is bounded (see {@link Builder#livenessQueueCapacity})
     * and, when nobody reads it, the oldest entries are dropped to make room for the newest.
     *
     * <p>Beyond the Go library this follows: while the channel is enabled, a liveness check is started (on one daemon
     * thread shared by every Backend) whenever nothing was put in the queue for one interval, so a
     * silent store still reports. {@link #close()} stops it.
     *
     * @return the liveness queue; {@code true} means alive
     */
    public BlockingQueue<Boolean> enableLivenessChannel() {
        return liveness.enable();
    }

    /**
     * Sets the interval after which the unchanged state is put in the channel again (default 30 s).
     *
     * @param interval positive
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public void setLivenessChannelInterval(Duration interval) {
        liveness.setInterval(checkPositive(interval, "liveness interval"));
    }

    /**
     * The interval after which the unchanged state is put in the channel again.
     *
     * @return the interval
     */
    public Duration livenessChannelInterval() {
        return liveness.interval();
    }

    /**
     * Stops the periodic liveness check, ends this Backend's registrations, elections,
     * reservations and lock leases (waiting at most the timeout), and closes the client with its
     * watches. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            liveness.close();
            coordination.close();
            client.close();
            if (instrumentation != null) {
                instrumentation.close();
            }
        }
    }

    /** Shows the storeType, address, path prefix, timeout and liveness. */
    @Override
    public String toString() {
        return "Backend[storeType=" + storeType + ", address=" + address + ", pathPrefix=" + pathPrefix + ", timeout="
                + timeout + ", alive=" + isAlive() + "]";
    }

    // ---- internals ----

    /**
     * For tests in this package.
     *
     * @return this Backend's liveness state
     */
    Liveness liveness() {
        return liveness;
    }

    private void tickCheck() {
        performLivenessCheckAsync().whenComplete((up, e) -> liveness.checkDone());
    }

    private String key(String key) {
        return calls.key(key);
    }

    private String prefix(String prefix) {
        return calls.prefix(prefix);
    }

    /** Checks keys and joins each to the path prefix, in order. */
    private List<String> keys(Collection<String> keys) {
        notNull(keys, "keys");
        List<String> full = new ArrayList<>(keys.size());
        for (String k : keys) {
            full.add(key(k));
        }
        return full;
    }

    /** Checks entries and joins each key to the path prefix, in order. */
    private Map<String, byte[]> entries(Map<String, byte[]> entries) {
        notNull(entries, "entries");
        Map<String, byte[]> full = new LinkedHashMap<>(Math.max(16, entries.size() * 2));
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            full.put(key(e.getKey()), notNull(e.getValue(), "value"));
        }
        return full;
    }

    private <T> T notNull(T value, String what) {
        return calls.notNull(value, what);
    }

    private String watchKey(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        notNull(listener, "listener");
        return withPrefix ? prefix(key) : key(key);
    }

    private static Duration checkPositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    /**
     * Builds a {@link Backend}. Not thread-safe. Only the storeType is required; the address
     * defaults to empty, the timeout to {@link KvStoreConfig#DEFAULT_TIMEOUT}, the path prefix to
     * empty (no prefix). The store's settings (storeType, address, timeout, options) are a
     * {@link KvStoreConfig}: set them one by one here, or all at once with {@link #config}.
     */
    public static final class Builder {
        private KvStoreConfig.Builder config = KvStoreConfig.builder();
        private String pathPrefix = "";
        private Duration livenessInterval = DEFAULT_LIVENESS_INTERVAL;
        private int livenessQueueCapacity = DEFAULT_LIVENESS_QUEUE_CAPACITY;
        private final List<BackendObserver> observers = new ArrayList<>();

        private Builder() {}

        /**
         * Takes the store's settings (storeType, address, timeout and options) from a
         * configuration, replacing any set before.
         *
         * @param config the configuration
         * @return this builder
         * @throws NullPointerException if {@code config} is null
         */
        public Builder config(KvStoreConfig config) {
            this.config = Objects.requireNonNull(config, "config").toBuilder();
            return this;
        }

        /**
         * Sets the storeType.
         *
         * @param storeType such as {@code "etcd"}; matched case-insensitively
         * @return this builder
         * @throws NullPointerException if {@code storeType} is null
         */
        public Builder storeType(String storeType) {
            config.storeType(storeType);
            return this;
        }

        /**
         * Sets the address.
         *
         * @param address one or more {@code host:port}, comma-separated
         * @return this builder
         * @throws NullPointerException if {@code address} is null
         */
        public Builder address(String address) {
            config.address(address);
            return this;
        }

        /**
         * Sets the timeout of each operation.
         *
         * @param timeout positive
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         */
        public Builder timeout(Duration timeout) {
            config.timeout(timeout);
            return this;
        }

        /**
         * Sets the path prefix put before every key with a {@code "/"}.
         *
         * @param pathPrefix the prefix, used exactly as given; empty for none; at most
         *     {@value KvStoreClient#MAX_PATH_PREFIX_BYTES} UTF-8 bytes of valid Unicode without U+0000
         *     (checked by {@link #build()})
         * @return this builder
         * @throws NullPointerException if {@code pathPrefix} is null
         */
        public Builder pathPrefix(String pathPrefix) {
            this.pathPrefix = Objects.requireNonNull(pathPrefix, "pathPrefix");
            return this;
        }

        /**
         * Sets one store option (see the store's provider for the names it knows).
         *
         * @param name the option's name
         * @param value its value
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder option(String name, String value) {
            config.option(name, value);
            return this;
        }

        /**
         * Sets several store options.
         *
         * @param options names and values
         * @return this builder
         * @throws NullPointerException if the map, a name or a value is null
         */
        public Builder options(Map<String, String> options) {
            config.options(Objects.requireNonNull(options, "options"));
            return this;
        }

        /**
         * Sets the liveness channel's interval (default 30 s); see
         * {@link Backend#setLivenessChannelInterval}.
         *
         * @param interval positive
         * @return this builder
         * @throws NullPointerException if {@code interval} is null
         * @throws IllegalArgumentException if {@code interval} is not positive
         */
        public Builder livenessInterval(Duration interval) {
            this.livenessInterval = checkPositive(interval, "liveness interval");
            return this;
        }

        /**
         * Sets how many states the liveness channel holds before the oldest are dropped (default 16).
         *
         * @param capacity at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code capacity} is less than 1
         */
        public Builder livenessQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("liveness queue capacity must be at least 1, got " + capacity);
            }
            this.livenessQueueCapacity = capacity;
            return this;
        }

        /**
         * Adds an observer that instruments the Backend (metrics, tracing); see
         * {@link dev.kvstore.backend.observe}. Each call adds one; with none, nothing is observed.
         *
         * @param observer the observer, such as {@code kvstore-micrometer}'s or
         *     {@code kvstore-opentelemetry}'s
         * @return this builder
         * @throws NullPointerException if {@code observer} is null
         */
        public Builder observer(BackendObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * Finds the store and creates its client, without connecting eagerly.
         *
         * @return a new Backend, not alive until an operation or check succeeds
         * @throws KvStoreConfigurationException if the storeType is missing or not on the class path,
         *     or the address, timeout, path prefix or an option is malformed
         */
        public Backend build() {
            KvStoreConfig config = this.config.build();
            try {
                Keys.checkPrefix(pathPrefix, KvStoreClient.MAX_PATH_PREFIX_BYTES);
            } catch (IllegalArgumentException e) {
                throw new KvStoreConfigurationException("path " + e.getMessage(), e);
            }
            var provider = StoreRegistry.instance().provider(config.storeType());
            KvStoreClient client;
            try {
                client = provider.create(config);
            } catch (KvStoreException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new KvStoreConfigurationException(
                        "storeType " + config.storeType() + " ("
                                + provider.getClass().getName() + ") could not create a client for " + config + ": "
                                + e,
                        e);
            }
            if (client == null) {
                throw new KvStoreConfigurationException(provider.getClass().getName() + " returned no client");
            }
            return new Backend(this, config, client);
        }
    }
}
