package dev.kvstore.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.spi.KvStoreProvider;
import dev.kvstore.testing.TcpProxy;
import dev.kvstore.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The kit's plumbing: the client under test, its key namespace and helpers. Plugin authors extend
 * {@link KvStoreCompatibilityKit}, not this class.
 */
public abstract class KitSupport {

    /** For subclasses. */
    protected KitSupport() {}

    /** How long the kit waits for an event or an operation before it fails a test. */
    protected static final Duration WAIT = Duration.ofSeconds(20);

    /** The client under test, created before each test from {@link #config()}. */
    protected KvStoreClient client;
    /** This test's key namespace: every key the test writes starts with it. Ends with {@code /}. */
    protected String ns;

    /** The configuration {@link #client} was made from. */
    protected KvStoreConfig config;
    /** Closed after each test, in order. */
    protected final List<AutoCloseable> toClose = new ArrayList<>();

    /**
     * The configuration of a live store of the type under test. Called before each test.
     *
     * @return the configuration
     */
    protected abstract KvStoreConfig config();

    /**
     * The configuration of a store of the same type that cannot be reached (say, a port nothing
     * listens on), with a short timeout (1 to 2 seconds). Empty for a store that cannot be
     * unreachable, such as the in-process one; the unreachable tests are then skipped.
     *
     * @return the configuration, or empty
     */
    protected Optional<KvStoreConfig> unreachableConfig() {
        return Optional.empty();
    }

    /**
     * The server under test, for the fault cases (stop, restart, freeze, thaw). Empty for a store
     * with no server process, such as the in-process one: those cases are then skipped.
     *
     * @return the server, or empty
     */
    protected Optional<TestServer> server() {
        return Optional.empty();
    }

    /**
     * The configuration of the store under test reached at another address: the kit starts a
     * {@link TcpProxy} in front of {@code config().address()} and gives its address here, then cuts
     * or blackholes it to cut one client off the store. Empty when the store cannot be reached
     * through one proxied address (the in-process store; Sentinel, whose master address comes from
     * the sentinels): those cases are then skipped.
     *
     * @param proxyAddress {@code 127.0.0.1:port} of the proxy
     * @return the configuration through the proxy, or empty
     */
    protected Optional<KvStoreConfig> configVia(String proxyAddress) {
        return Optional.empty();
    }

    /**
     * Starts a proxy in front of the store and a client through it, both closed after the test;
     * skips the test when {@link #configVia(String)} is empty.
     *
     * @return the proxy and the client
     */
    protected Proxied proxiedClient() {
        // Asked first with a placeholder: a store that cannot be proxied may not even have a host:port.
        org.junit.jupiter.api.Assumptions.assumeTrue(
                configVia("127.0.0.1:1").isPresent(),
                "this store cannot be reached through one proxied address (configVia is empty)");
        TcpProxy proxy = TcpProxy.start(config.address());
        toClose.add(proxy);
        Optional<KvStoreConfig> via = configVia(proxy.address());
        org.junit.jupiter.api.Assumptions.assumeTrue(
                via.isPresent(), "this store cannot be reached through one proxied address (configVia is empty)");
        KvStoreClient c = providerFor(via.get().storeType()).create(via.get());
        toClose.add(0, c);
        return new Proxied(proxy, c, via.get());
    }

    /**
     * A client cut off from the store at will.
     *
     * @param proxy the proxy between the client and the store
     * @param client the client, connected through the proxy
     * @param config the client's configuration (to start a child JVM the same way)
     */
    protected record Proxied(TcpProxy proxy, KvStoreClient client, KvStoreConfig config) {}

    @BeforeEach
    final void openClient() {
        config = config();
        client = providerFor(config.storeType()).create(config);
        ns = "kvtck-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    }

    @AfterEach
    final void closeClient() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        toClose.clear();
        try {
            client.deleteWithPrefix(ns).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the store may be the unreachable one; its test already reported what matters
        } finally {
            client.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The provider of a storeType, found on the class path as the Backend finds it.
     *
     * @param storeType the storeType, such as {@code "etcd"}
     * @return its provider
     * @throws KvStoreConfigurationException if no provider on the class path has that storeType
     */
    protected static KvStoreProvider providerFor(String storeType) {
        for (KvStoreProvider p :
                ServiceLoader.load(KvStoreProvider.class, KvStoreCompatibilityKit.class.getClassLoader())) {
            if (p.storeType().equals(storeType)) {
                return p;
            }
        }
        throw new KvStoreConfigurationException("no KvStoreProvider for storeType " + storeType + " on the class path");
    }

    /**
     * Waits for a future and returns its value; rethrows the exception it failed with.
     *
     * @param future the future
     * @param <T> its value's type
     * @return the value
     */
    protected static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new AssertionError("operation failed with a checked exception", cause);
        } catch (TimeoutException e) {
            throw new AssertionError("operation did not complete within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * What an operation failed with, whether it threw at once or failed its future.
     *
     * @param operation starts the operation
     * @return the exception it threw or failed its future with
     * @throws AssertionError if the operation succeeded
     */
    protected static Throwable failureOf(Supplier<? extends CompletableFuture<?>> operation) {
        try {
            await(operation.get());
        } catch (RuntimeException | Error e) {
            return e;
        }
        return fail("expected the operation to fail, but it succeeded");
    }

    /**
     * The Backend's blocking operations on one key and one prefix, by name, for the cases that
     * check how each fails (an unreachable or a frozen store): get, put, list, listKeys, exists,
     * delete and createWatch (a watch made this way is left to the Backend's close).
     *
     * @param b the Backend
     * @param key a key, relative to the Backend's path prefix
     * @param prefix a prefix, relative to it
     * @return name → the call, in that order; a new map the caller may add to
     */
    protected static Map<String, Callable<?>> backendOperations(Backend b, String key, String prefix) {
        Map<String, Callable<?>> ops = new LinkedHashMap<>();
        ops.put("get", () -> b.get(key));
        ops.put("put", () -> {
            b.put(key, "v");
            return null;
        });
        ops.put("list", () -> b.list(prefix));
        ops.put("listKeys", () -> b.listKeys(prefix));
        ops.put("exists", () -> b.exists(key));
        ops.put("delete", () -> {
            b.delete(key);
            return null;
        });
        ops.put("createWatch", () -> b.createWatch(prefix, true, e -> {}));
        return ops;
    }

    /**
     * Runs every operation at once, each on a thread of its own (not a shared pool, which on a
     * machine with a few cores would run blocking calls a few at a time), and asserts that each
     * fails with {@link KvStoreUnavailableException} within {@code bound}.
     *
     * @param bound how long each operation may run, from the moment they all start
     * @param where what the store's state is, for the messages ("on a frozen server")
     * @param operations the operations by name (the name is in the failure message)
     */
    protected static void assertEachUnavailableWithin(
            Duration bound, String where, Map<String, Callable<?>> operations) {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, operations.size()), r -> {
            Thread t = new Thread(r, "kit-operation");
            t.setDaemon(true);
            return t;
        });
        try {
            long deadline = System.nanoTime() + bound.toNanos();
            Map<String, Future<Throwable>> running = new LinkedHashMap<>();
            operations.forEach((name, op) -> running.put(name, threads.submit(() -> {
                try {
                    op.call();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            })));
            for (Map.Entry<String, Future<Throwable>> e : running.entrySet()) {
                Throwable outcome;
                try {
                    outcome = e.getValue().get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
                } catch (TimeoutException t) {
                    throw new AssertionError(e.getKey() + " " + where + " did not end within " + bound, t);
                } catch (InterruptedException t) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(t);
                } catch (ExecutionException t) {
                    throw new AssertionError("cannot happen: the task returns what the operation threw", t);
                }
                assertThat(outcome)
                        .as("%s %s (bound %s)", e.getKey(), where, bound)
                        .isInstanceOf(KvStoreUnavailableException.class);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The UTF-8 bytes of a string.
     *
     * @param s the string
     * @return its UTF-8 encoding
     */
    protected static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    /**
     * Puts a UTF-8 value through {@link #client} and waits for it.
     *
     * @param key the full key
     * @param value the value, stored as UTF-8
     */
    protected void put(String key, String value) {
        await(client.put(key, bytes(value)));
    }

    /**
     * Reads a key through {@link #client} and waits for it.
     *
     * @param key the full key
     * @return the pair, or empty if the key does not exist
     */
    protected Optional<KvPair> get(String key) {
        return await(client.get(key));
    }

    /**
     * Watches through {@link #client}; the watch is closed after the test.
     *
     * @param key the key or prefix
     * @param withPrefix whether {@code key} is a prefix
     * @param listener receives the events
     * @return the active watch
     */
    protected KvWatch watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        KvWatch w = await(client.watch(key, withPrefix, listener));
        toClose.add(w);
        return w;
    }

    /**
     * A new listener that records events and waits for them up to the kit's bound.
     *
     * @return the recorder
     */
    protected EventRecorder recorder() {
        return new EventRecorder(WAIT);
    }

    /**
     * Whether the store under test declares a capability.
     *
     * @param capability the capability
     * @return {@code true} if {@link #client} declares it
     */
    protected boolean has(KvCapability capability) {
        return client.capabilities().contains(capability);
    }

    /**
     * A Backend over the store under test, closed after the test.
     *
     * @param pathPrefix the Backend's path prefix
     * @return the Backend
     */
    protected Backend backend(String pathPrefix) {
        Backend b = Backend.builder().config(config).pathPrefix(pathPrefix).build();
        toClose.add(b);
        return b;
    }
}
