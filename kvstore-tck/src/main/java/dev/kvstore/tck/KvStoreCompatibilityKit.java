package dev.kvstore.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import org.awaitility.Awaitility;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvValueTooLargeException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.spi.KvStoreProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kvstore contract as tests. A store proves itself with a subclass that supplies the
 * configuration of a live server:
 *
 * <pre>{@code
 * class EtcdCompatibilityIT extends KvStoreCompatibilityKit {
 *     static EtcdServer etcd;
 *     @BeforeAll static void start() { etcd = EtcdServer.start(); }
 *     @AfterAll static void stop() { etcd.close(); }
 *     @Override protected KvStoreConfig config() {
 *         return KvStoreConfig.builder().storeType("etcd").address(etcd.address()).build();
 *     }
 *     @Override protected Optional<KvStoreConfig> unreachableConfig() { ... a closed port ... }
 * }
 * }</pre>
 *
 * <p>Every test works under its own key namespace, so the tests of one class can share one server.
 * Optional features are declared by the store ({@link KvStoreClient#capabilities()}): the kit tests
 * what is declared, and checks that what is not declared is really absent where that shows.
 */
public abstract class KvStoreCompatibilityKit {

    /** How long the kit waits for an event or an operation before it fails a test. */
    protected static final Duration WAIT = Duration.ofSeconds(20);

    /** The client under test, created before each test from {@link #config()}. */
    protected KvStoreClient client;
    /** This test's key namespace: every key the test writes starts with it. Ends with {@code /}. */
    protected String ns;

    private KvStoreConfig config;
    private final List<AutoCloseable> toClose = new ArrayList<>();

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

    /** The provider of a storeType, found on the class path as the Backend finds it. */
    private static KvStoreProvider providerFor(String storeType) {
        for (KvStoreProvider p : ServiceLoader.load(KvStoreProvider.class, KvStoreCompatibilityKit.class.getClassLoader())) {
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

    /** What an operation failed with, whether it threw at once or failed its future. */
    private static Throwable failureOf(Supplier<? extends CompletableFuture<?>> operation) {
        try {
            await(operation.get());
        } catch (RuntimeException | Error e) {
            return e;
        }
        return fail("expected the operation to fail, but it succeeded");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private void put(String key, String value) {
        await(client.put(key, bytes(value)));
    }

    private Optional<KvPair> get(String key) {
        return await(client.get(key));
    }

    private KvWatch watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        KvWatch w = await(client.watch(key, withPrefix, listener));
        toClose.add(w);
        return w;
    }

    private EventRecorder recorder() {
        return new EventRecorder(WAIT);
    }

    private boolean has(KvCapability capability) {
        return client.capabilities().contains(capability);
    }

    private Backend backend(String pathPrefix) {
        Backend b = Backend.builder().storeType(config.storeType()).address(config.address())
                .timeout(config.timeout()).options(config.options()).pathPrefix(pathPrefix).build();
        toClose.add(b);
        return b;
    }

    // ------------------------------------------------------------------ groups

    @Nested
    @DisplayName("Basic operations")
    class BasicOperations {

        @Test
        @DisplayName("a value put is read back with its key")
        void putThenGet() {
            put(ns + "a", "one");
            KvPair pair = get(ns + "a").orElseThrow();
            assertThat(pair.key()).isEqualTo(ns + "a");
            assertThat(pair.valueAsString()).isEqualTo("one");
        }

        @Test
        @DisplayName("get of a missing key is empty")
        void getMissing() {
            assertThat(get(ns + "missing")).isEmpty();
        }

        @Test
        @DisplayName("a second put replaces the value")
        void putReplaces() {
            put(ns + "a", "one");
            put(ns + "a", "two");
            assertThat(get(ns + "a").orElseThrow().valueAsString()).isEqualTo("two");
        }

        @Test
        @DisplayName("delete removes the key; deleting a missing key is no error")
        void delete() {
            put(ns + "a", "one");
            await(client.delete(ns + "a"));
            assertThat(get(ns + "a")).isEmpty();
            await(client.delete(ns + "a"));
            await(client.delete(ns + "never-was"));
        }

        @Test
        @DisplayName("exists tells whether a key is there")
        void exists() {
            assertThat(await(client.exists(ns + "a"))).isFalse();
            put(ns + "a", "one");
            assertThat(await(client.exists(ns + "a"))).isTrue();
            await(client.delete(ns + "a"));
            assertThat(await(client.exists(ns + "a"))).isFalse();
        }

        @Test
        @DisplayName("list returns every pair under a prefix by full key; a missing prefix gives an empty map")
        void list() {
            put(ns + "d/1", "v1");
            put(ns + "d/2", "v2");
            put(ns + "e/3", "v3");
            Map<String, KvPair> listed = await(client.list(ns + "d/"));
            assertThat(listed).containsOnlyKeys(ns + "d/1", ns + "d/2");
            assertThat(listed.get(ns + "d/2").valueAsString()).isEqualTo("v2");
            assertThat(listed.get(ns + "d/2").key()).isEqualTo(ns + "d/2");
            assertThat(await(client.list(ns + "nothing/"))).isEmpty();
        }

        @Test
        @DisplayName("listKeys returns the same keys as list, without values")
        void listKeys() {
            put(ns + "d/1", "v1");
            put(ns + "d/2", "v2");
            put(ns + "e/3", "v3");
            assertThat(await(client.listKeys(ns + "d/"))).containsExactlyInAnyOrder(ns + "d/1", ns + "d/2");
            assertThat(await(client.listKeys(ns))).containsExactlyInAnyOrderElementsOf(await(client.list(ns)).keySet());
            assertThat(await(client.listKeys(ns + "nothing/"))).isEmpty();
        }

        @Test
        @DisplayName("deleteWithPrefix removes every key with the prefix and nothing else")
        void deleteWithPrefix() {
            put(ns + "d/1", "v1");
            put(ns + "d/2/x", "v2");
            put(ns + "d", "v0");
            put(ns + "e/3", "v3");
            await(client.deleteWithPrefix(ns + "d/"));
            assertThat(await(client.listKeys(ns))).containsExactlyInAnyOrder(ns + "d", ns + "e/3");
            await(client.deleteWithPrefix(ns + "none/"));
        }

        @Test
        @DisplayName("a null key, value, prefix or listener fails with NullPointerException")
        void nulls() {
            assertThat(failureOf(() -> client.get(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.put(null, new byte[0]))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.put(ns + "a", null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.delete(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.exists(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.list(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.listKeys(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.deleteWithPrefix(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.watch(null, false, e -> { }))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.watch(ns + "a", false, null))).isInstanceOf(NullPointerException.class);
            assertThat(await(client.exists(ns + "a"))).isFalse();
        }

        @Test
        @DisplayName("an empty key, a key with U+0000 or over 512 UTF-8 bytes fails with IllegalArgumentException")
        void badKeys() {
            String tooLong = ns + "x".repeat(KvStoreClient.MAX_KEY_BYTES - ns.length() + 1);
            for (String bad : List.of("", ns + "a\u0000b", tooLong)) {
                assertThat(failureOf(() -> client.get(bad))).as("get(%s)", bad).isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.put(bad, bytes("v")))).as("put").isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.delete(bad))).as("delete").isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.exists(bad))).as("exists").isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(await(client.listKeys(ns))).isEmpty();
        }
    }

    @Nested
    @DisplayName("Prefix semantics")
    class PrefixSemantics {

        @Test
        @DisplayName("a prefix is a raw string prefix: key4 finds key4, key4/a and key40, not key5")
        void rawPrefix() {
            for (String k : List.of("key4", "key4/a", "key40", "key5", "key", "kez4")) {
                put(ns + k, k);
            }
            assertThat(await(client.list(ns + "key4"))).containsOnlyKeys(ns + "key4", ns + "key4/a", ns + "key40");
            assertThat(await(client.listKeys(ns + "key4"))).containsExactlyInAnyOrder(ns + "key4", ns + "key4/a", ns + "key40");
        }

        @Test
        @DisplayName("a prefix can end inside a path segment or on a slash")
        void segmentBoundaries() {
            for (String k : List.of("dir/file1", "dir/fig", "dir/other", "dir", "dirt", "dir/")) {
                put(ns + k, k);
            }
            assertThat(await(client.listKeys(ns + "dir/fi"))).containsExactlyInAnyOrder(ns + "dir/file1", ns + "dir/fig");
            assertThat(await(client.listKeys(ns + "dir/")))
                    .containsExactlyInAnyOrder(ns + "dir/file1", ns + "dir/fig", ns + "dir/other", ns + "dir/");
            assertThat(await(client.listKeys(ns + "dir")))
                    .containsExactlyInAnyOrder(ns + "dir/file1", ns + "dir/fig", ns + "dir/other", ns + "dir", ns + "dirt", ns + "dir/");
        }

        static Stream<String> metacharacters() {
            return Stream.of("*", "?", "[", "]", "[a-z]", "\\", "\\*", "%", "_", ".", ".*", "^", "$", "{a,b}", "+", "|", "(", "#", "~");
        }

        @ParameterizedTest(name = "prefix holding {0}")
        @MethodSource("metacharacters")
        @DisplayName("characters that are special to globs, regexes or SQL are literal in a prefix")
        void metacharactersAreLiteral(String meta) {
            String p = ns + "p" + meta;
            put(p + "x", "literal");
            put(p, "literal-exact");
            // Keys a glob, regex or LIKE reading of the prefix would match, but a raw prefix does not.
            for (String decoy : List.of("pax", "pzx", "pbx", "p", "p\\x", "pa,b}x", "p" + meta.replace('a', 'q') + "-no")) {
                if (!(ns + decoy).startsWith(p)) {
                    put(ns + decoy, "decoy");
                }
            }
            assertThat(await(client.listKeys(p))).allMatch(k -> k.startsWith(p)).contains(p, p + "x");
            assertThat(await(client.list(p)).keySet()).allMatch(k -> k.startsWith(p)).contains(p, p + "x");
            List<String> before = await(client.listKeys(ns));
            await(client.deleteWithPrefix(p));
            List<String> after = await(client.listKeys(ns));
            assertThat(after).noneMatch(k -> k.startsWith(p));
            assertThat(after).containsExactlyInAnyOrderElementsOf(before.stream().filter(k -> !k.startsWith(p)).toList());
        }

        @Test
        @DisplayName("a key and a longer key under it live independently")
        void keyAndChildAreIndependent() {
            put(ns + "a", "parent");
            put(ns + "a/b", "child");
            await(client.delete(ns + "a"));
            assertThat(get(ns + "a")).isEmpty();
            assertThat(get(ns + "a/b").orElseThrow().valueAsString()).isEqualTo("child");
            assertThat(await(client.listKeys(ns + "a"))).containsExactly(ns + "a/b");
            put(ns + "a", "again");
            await(client.delete(ns + "a/b"));
            assertThat(get(ns + "a").orElseThrow().valueAsString()).isEqualTo("again");
            assertThat(await(client.listKeys(ns + "a"))).containsExactly(ns + "a");
        }

        @Test
        @DisplayName("the empty prefix lists every key")
        void emptyPrefix() {
            put(ns + "x", "1");
            put(ns + "y/z", "2");
            assertThat(await(client.listKeys(""))).contains(ns + "x", ns + "y/z");
            assertThat(await(client.list("")).keySet()).contains(ns + "x", ns + "y/z");
        }
    }

    static Stream<String> hostileKeys() {
        return Stream.of("colon:key", "a:b:c", "star*", "question?", "[brackets]", "back\\slash", "percent%41",
                "%2F", "dot.", ".", "..", "a/./b", "a/../b", "double//slash", "trailing/", "with space",
                "tab\there", "new\nline", "bell\u0007", "del\u007f", "unicode-ünïcödé", "日本語/キー",
                "emoji-\uD83D\uDE00", "rtl-\u05D0\u05D1", "nbsp\u00A0", "zookeeper", "__keyspace@0__:x", "-",
                "=", "'quote\"", "{braces}", "a/b/c/d/e/f/g/h");
    }

    @Nested
    @DisplayName("Hostile keys")
    class HostileKeys {

        @ParameterizedTest(name = "key ending {0}")
        @MethodSource("dev.kvstore.tck.KvStoreCompatibilityKit#hostileKeys")
        @DisplayName("a key round-trips through put, get, exists, list, listKeys and delete")
        void roundTrip(String suffix) {
            String key = ns + suffix;
            put(key, "v:" + suffix);
            assertThat(get(key).orElseThrow().key()).isEqualTo(key);
            assertThat(get(key).orElseThrow().valueAsString()).isEqualTo("v:" + suffix);
            assertThat(await(client.exists(key))).isTrue();
            assertThat(await(client.list(key))).containsKey(key);
            assertThat(await(client.listKeys(ns))).containsExactly(key);
            await(client.delete(key));
            assertThat(await(client.exists(key))).isFalse();
            assertThat(await(client.listKeys(ns))).isEmpty();
        }

        @Test
        @DisplayName("keys with a leading slash, and a key of exactly 512 UTF-8 bytes, round-trip")
        void leadingSlashAndLongest() {
            String lead = "/" + ns + "lead";
            String longest = ns + "é".repeat((KvStoreClient.MAX_KEY_BYTES - ns.length()) / 2)
                    + "x".repeat((KvStoreClient.MAX_KEY_BYTES - ns.length()) % 2);
            assertThat(longest.getBytes(UTF_8)).hasSize(KvStoreClient.MAX_KEY_BYTES);
            try {
                for (String key : List.of(lead, longest)) {
                    put(key, "v");
                    assertThat(get(key).orElseThrow().key()).isEqualTo(key);
                    assertThat(await(client.listKeys(key))).containsExactly(key);
                }
                assertThat(await(client.listKeys("/" + ns))).containsExactly(lead);
            } finally {
                await(client.delete(lead));
                await(client.deleteWithPrefix("/" + ns));
            }
        }

        @Test
        @DisplayName("watch events carry hostile keys exactly")
        void watchedHostileKeys() {
            EventRecorder events = recorder();
            watch(ns, true, events);
            List<String> keys = hostileKeys().map(s -> ns + s).toList();
            for (String key : keys) {
                put(key, "w");
            }
            for (String key : keys) {
                events.awaitPut(key, "w");
            }
            assertThat(events.events()).allMatch(e -> keys.contains(e.key()));
        }
    }

    @Nested
    @DisplayName("Values and limits")
    class ValuesAndLimits {

        @Test
        @DisplayName("an empty value is a value")
        void emptyValue() {
            await(client.put(ns + "empty", new byte[0]));
            assertThat(get(ns + "empty")).hasValueSatisfying(p -> assertThat(p.value()).isEmpty());
            assertThat(await(client.exists(ns + "empty"))).isTrue();
            assertThat(await(client.listKeys(ns))).containsExactly(ns + "empty");
        }

        @Test
        @DisplayName("every byte value round-trips, in get and in list")
        void binary() {
            byte[] all = new byte[256];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) i;
            }
            await(client.put(ns + "bin", all));
            assertThat(get(ns + "bin").orElseThrow().value()).isEqualTo(all);
            assertThat(await(client.list(ns)).get(ns + "bin").value()).isEqualTo(all);
        }

        @Test
        @DisplayName("a 512 KiB value round-trips")
        void large() {
            byte[] value = new byte[512 * 1024];
            new Random(42).nextBytes(value);
            assertThat(client.maxValueSize()).isGreaterThanOrEqualTo(value.length);
            await(client.put(ns + "large", value));
            assertThat(get(ns + "large").orElseThrow().value()).isEqualTo(value);
            assertThat(await(client.list(ns)).get(ns + "large").value()).isEqualTo(value);
        }

        @Test
        @DisplayName("a value over the store's limit fails naming the limit, and nothing is written")
        void overLimit() {
            long limit = client.maxValueSize();
            assumeTrue(limit <= 64L * 1024 * 1024, "the store's limit (" + limit + " bytes) is too large to test in memory");
            byte[] value = new byte[(int) limit + 1];
            Throwable failure = failureOf(() -> client.put(ns + "too-large", value));
            assertThat(failure).isInstanceOf(KvValueTooLargeException.class)
                    .hasMessageContaining(Long.toString(limit));
            assertThat(((KvValueTooLargeException) failure).limit()).isEqualTo(limit);
            assertThat(await(client.exists(ns + "too-large"))).isFalse();
        }

        @Test
        @DisplayName("values are copied: changing the caller's array changes nothing stored")
        void defensiveCopies() {
            byte[] value = bytes("abc");
            await(client.put(ns + "copy", value));
            value[0] = 'z';
            KvPair pair = get(ns + "copy").orElseThrow();
            pair.value()[1] = 'z';
            assertThat(get(ns + "copy").orElseThrow().valueAsString()).isEqualTo("abc");
        }
    }

    @Nested
    @DisplayName("Versions")
    class Versions {

        @Test
        @DisplayName("a store with versions counts 1 on create, +1 per put, 1 again after a delete")
        void versions() {
            assumeTrue(has(KvCapability.VERSIONS), "the store does not declare VERSIONS");
            String k = ns + "v";
            put(k, "a");
            assertThat(get(k).orElseThrow().version()).isEqualTo(1);
            put(k, "b");
            put(k, "c");
            assertThat(get(k).orElseThrow().version()).isEqualTo(3);
            assertThat(await(client.list(ns)).get(k).version()).isEqualTo(3);
            await(client.delete(k));
            put(k, "d");
            assertThat(get(k).orElseThrow().version()).isEqualTo(1);
        }

        @Test
        @DisplayName("watch events carry the version after the change")
        void eventVersions() {
            assumeTrue(has(KvCapability.VERSIONS), "the store does not declare VERSIONS");
            EventRecorder events = recorder();
            watch(ns + "v", false, events);
            put(ns + "v", "a");
            put(ns + "v", "b");
            assertThat(events.awaitPut(ns + "v", "b").version()).isEqualTo(2);
            assertThat(events.awaitPut(ns + "v", "a").version()).isEqualTo(1);
        }

        @Test
        @DisplayName("a store without versions reports 0 everywhere")
        void noVersions() {
            assumeTrue(!has(KvCapability.VERSIONS), "the store declares VERSIONS");
            EventRecorder events = recorder();
            watch(ns + "v", false, events);
            put(ns + "v", "a");
            put(ns + "v", "b");
            assertThat(get(ns + "v").orElseThrow().version()).isZero();
            assertThat(await(client.list(ns)).get(ns + "v").version()).isZero();
            assertThat(events.awaitPut(ns + "v", "b").version()).isZero();
        }
    }

    @Nested
    @DisplayName("Watches")
    class Watches {

        @Test
        @DisplayName("a put made right after createWatch returns is seen, with key and value")
        void activeOnReturn() {
            for (int i = 0; i < 20; i++) {
                EventRecorder events = recorder();
                KvWatch w = watch(ns + "k" + i, false, events);
                assertThat(w.key()).isEqualTo(ns + "k" + i);
                assertThat(w.withPrefix()).isFalse();
                assertThat(w.isOpen()).isTrue();
                put(ns + "k" + i, "v" + i);
                KvEvent e = events.awaitPut(ns + "k" + i, "v" + i);
                assertThat(e.type()).isEqualTo(EventType.PUT);
            }
        }

        @Test
        @DisplayName("only changes after createWatch are reported")
        void onlyLaterChanges() {
            put(ns + "k", "before");
            EventRecorder events = recorder();
            watch(ns + "k", false, events);
            put(ns + "k", "after");
            events.awaitPut(ns + "k", "after");
            assertThat(events.events()).extracting(KvEvent::valueAsString).doesNotContain("before");
        }

        @Test
        @DisplayName("an exact watch sees that key only")
        void exactIsolation() {
            EventRecorder events = recorder();
            watch(ns + "k", false, events);
            put(ns + "k0", "x");
            put(ns + "k/child", "x");
            put(ns + "j", "x");
            put(ns + "k", "sync");
            events.awaitPut(ns + "k", "sync");
            assertThat(events.events()).extracting(KvEvent::key).containsOnly(ns + "k");
        }

        @Test
        @DisplayName("a prefix watch sees every key with the prefix and nothing else")
        void prefixIsolation() {
            EventRecorder events = recorder();
            KvWatch w = watch(ns + "p", true, events);
            assertThat(w.withPrefix()).isTrue();
            put(ns + "q", "no");
            put(ns + "o/p", "no");
            put(ns + "p", "1");
            put(ns + "p/a", "2");
            put(ns + "p0", "3");
            events.awaitPut(ns + "p", "1");
            events.awaitPut(ns + "p/a", "2");
            events.awaitPut(ns + "p0", "3");
            assertThat(events.events()).extracting(KvEvent::key).containsOnly(ns + "p", ns + "p/a", ns + "p0");
        }

        @Test
        @DisplayName("a delete is reported as DELETE with an empty value, also through deleteWithPrefix")
        void deletes() {
            put(ns + "d/1", "x");
            put(ns + "d/2", "y");
            EventRecorder events = recorder();
            watch(ns + "d/", true, events);
            await(client.delete(ns + "d/1"));
            KvEvent e = events.awaitDelete(ns + "d/1");
            assertThat(e.value()).isEmpty();
            await(client.deleteWithPrefix(ns + "d/"));
            events.awaitDelete(ns + "d/2");
        }

        @Test
        @DisplayName("2,000 rapid writes to one key arrive in commit order, ending with the final value")
        void rapidWritesOneKey() {
            EventRecorder events = recorder();
            watch(ns + "rapid", false, events);
            int n = 2000;
            for (int i = 0; i < n; i++) {
                await(client.put(ns + "rapid", bytes(Integer.toString(i))));
            }
            events.awaitPut(ns + "rapid", Integer.toString(n - 1));
            List<Integer> seen = events.events(EventType.PUT).stream().map(ev -> Integer.parseInt(ev.valueAsString())).toList();
            if (has(KvCapability.EVERY_WRITE_EVENT)) {
                assertThat(seen).containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
            } else {
                // Without EVERY_WRITE_EVENT rapid writes may coalesce (an event may carry a later
                // value, even twice), but never go back in commit order.
                assertThat(seen).isSorted();
            }
            assertThat(seen.get(seen.size() - 1)).isEqualTo(n - 1);
        }

        @Test
        @DisplayName("2,000 writes to distinct keys in flight at once are each reported with their value")
        void rapidWritesManyKeys() {
            EventRecorder events = recorder();
            watch(ns + "many/", true, events);
            int n = 2000;
            List<CompletableFuture<Void>> puts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                puts.add(client.put(ns + "many/" + i, bytes("v" + i)));
                if (puts.size() == 128) {
                    puts.forEach(KvStoreCompatibilityKit::await);
                    puts.clear();
                }
            }
            puts.forEach(KvStoreCompatibilityKit::await);
            Awaitility.await("every key's event").atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() ->
                    events.events(EventType.PUT).stream().map(KvEvent::key).distinct().count() == n);
            for (KvEvent e : events.events(EventType.PUT)) {
                assertThat(e.valueAsString()).isEqualTo("v" + e.key().substring((ns + "many/").length()));
            }
        }

        @Test
        @DisplayName("a listener may call the store's blocking operations (it runs off the driver's I/O threads)")
        void listenerMayBlockOnTheStore() {
            put(ns + "other", "o");
            AtomicReference<Object> readInListener = new AtomicReference<>();
            watch(ns + "k", false, e -> {
                try {
                    readInListener.set(client.get(ns + "other").get(WAIT.toSeconds(), TimeUnit.SECONDS)
                            .map(KvPair::valueAsString).orElse("missing"));
                } catch (Exception ex) {
                    readInListener.set(ex);
                }
            });
            Thread testThread = Thread.currentThread();
            EventRecorder events = recorder();
            watch(ns + "k", false, events);
            put(ns + "k", "go");
            Awaitility.await("the listener's read").atMost(WAIT).until(() -> readInListener.get() != null);
            assertThat(readInListener.get()).isEqualTo("o");
            events.awaitPut(ns + "k", "go");
            assertThat(events.threads()).doesNotContain(testThread);
        }

        @Test
        @DisplayName("a slow listener delays no other watch and no operation")
        void slowListener() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger slowCalls = new AtomicInteger();
            watch(ns + "k", false, e -> {
                slowCalls.incrementAndGet();
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
            EventRecorder fast = recorder();
            watch(ns + "k", false, fast);
            try {
                for (int i = 0; i < 5; i++) {
                    put(ns + "k", "v" + i);
                    fast.awaitPut(ns + "k", "v" + i);
                }
                assertThat(get(ns + "k").orElseThrow().valueAsString()).isEqualTo("v4");
                assertThat(slowCalls.get()).isEqualTo(1);
            } finally {
                release.countDown();
            }
            Awaitility.await("the slow listener to catch up").atMost(WAIT).until(() -> slowCalls.get() >= 2);
        }

        @Test
        @DisplayName("a throwing listener breaks no other watch and keeps receiving events")
        void throwingListener() {
            AtomicInteger calls = new AtomicInteger();
            watch(ns + "k", false, e -> {
                calls.incrementAndGet();
                throw new IllegalStateException("listener failure on purpose (the kit's throwing-listener test)");
            });
            EventRecorder other = recorder();
            watch(ns + "k", false, other);
            put(ns + "k", "1");
            put(ns + "k", "2");
            other.awaitPut(ns + "k", "2");
            Awaitility.await("the throwing listener's second call").atMost(WAIT).until(() -> calls.get() >= 2);
        }

        @Test
        @DisplayName("after close returns the listener is not called again; other watches go on")
        void noCallsAfterClose() {
            EventRecorder closed = recorder();
            KvWatch w = watch(ns + "k", false, closed);
            EventRecorder open = recorder();
            watch(ns + "k", false, open);
            put(ns + "k", "1");
            closed.awaitPut(ns + "k", "1");
            w.close();
            assertThat(w.isOpen()).isFalse();
            int before = closed.events().size();
            put(ns + "k", "2");
            open.awaitPut(ns + "k", "2");
            put(ns + "k", "3");
            open.awaitPut(ns + "k", "3");
            assertThat(closed.events()).hasSize(before);
            w.close();
        }

        @Test
        @DisplayName("a listener can close its own watch without deadlock")
        void closeFromListener() {
            AtomicReference<KvWatch> self = new AtomicReference<>();
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch ready = new CountDownLatch(1);
            KvWatch w = watch(ns + "k", false, e -> {
                calls.incrementAndGet();
                try {
                    ready.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                self.get().close();
            });
            self.set(w);
            ready.countDown();
            EventRecorder other = recorder();
            watch(ns + "k", false, other);
            put(ns + "k", "1");
            Awaitility.await("the listener to close its watch").atMost(WAIT).until(() -> !w.isOpen());
            put(ns + "k", "2");
            other.awaitPut(ns + "k", "2");
            assertThat(calls.get()).isEqualTo(1);
        }

        @Test
        @DisplayName("closing the client closes its watches")
        void clientCloseClosesWatches() {
            KvStoreClient second = providerFor(config.storeType()).create(config);
            KvWatch w;
            try {
                w = await(second.watch(ns + "k", false, e -> { }));
            } finally {
                second.close();
            }
            assertThat(w.isOpen()).isFalse();
            second.close();
        }
    }

    @Nested
    @DisplayName("Concurrency")
    class Concurrency {

        @Test
        @DisplayName("eight threads sharing one client write and read 800 keys correctly")
        void threadsShareOneClient() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    tasks.add(pool.submit(() -> {
                        for (int i = 0; i < 100; i++) {
                            String key = ns + "t" + thread + "/" + i;
                            await(client.put(key, bytes(key)));
                            assertThat(get(key).orElseThrow().valueAsString()).isEqualTo(key);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : tasks) {
                    f.get(WAIT.toSeconds() * 4, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            Map<String, KvPair> all = await(client.list(ns));
            assertThat(all).hasSize(800);
            all.forEach((k, p) -> assertThat(p.valueAsString()).isEqualTo(k));
        }

        @Test
        @DisplayName("concurrent puts to one key leave one of the written values (and count every put as a version)")
        void contendedKey() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            Set<String> written = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try {
                List<Future<?>> tasks = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    tasks.add(pool.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            String v = thread + "-" + i;
                            written.add(v);
                            await(client.put(ns + "hot", bytes(v)));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : tasks) {
                    f.get(WAIT.toSeconds() * 4, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            KvPair pair = get(ns + "hot").orElseThrow();
            assertThat(written).contains(pair.valueAsString());
            if (has(KvCapability.VERSIONS)) {
                assertThat(pair.version()).isEqualTo(200);
            }
        }

        @Test
        @DisplayName("1,000 asynchronous operations in flight at once all complete")
        void manyInFlight() {
            List<CompletableFuture<Void>> puts = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                puts.add(client.put(ns + "f/" + i, bytes("v" + i)));
            }
            puts.forEach(KvStoreCompatibilityKit::await);
            List<CompletableFuture<Optional<KvPair>>> gets = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                gets.add(client.get(ns + "f/" + i));
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(await(gets.get(i)).orElseThrow().valueAsString()).isEqualTo("v" + i);
            }
        }
    }

    @Nested
    @DisplayName("The Backend over this store")
    class BackendOverStore {

        @Test
        @DisplayName("Backend.create finds the store by its storeType")
        void createFindsStore() {
            Backend b = Backend.create(config.storeType(), config.address(), config.timeout(), ns + "svc");
            toClose.add(b);
            assertThat(b.storeType()).isEqualTo(config.storeType());
            b.put("k", "v");
            assertThat(b.get("k").orElseThrow().valueAsString()).isEqualTo("v");
        }

        @Test
        @DisplayName("keys are pathPrefix + \"/\" + key, and come back as full keys")
        void pathPrefix() {
            Backend b = backend(ns + "service/voltha");
            b.put("key4", "a");
            b.put("key4/x", bytes("b"));
            b.put("key40", "c");
            b.put("other", "d");
            // The Backend's own client (for the memory store, each client is its own store).
            assertThat(await(b.client().get(ns + "service/voltha/key4")).orElseThrow().valueAsString()).isEqualTo("a");
            assertThat(b.get("key4").orElseThrow().key()).isEqualTo(ns + "service/voltha/key4");
            assertThat(b.list("key4")).containsOnlyKeys(ns + "service/voltha/key4", ns + "service/voltha/key4/x",
                    ns + "service/voltha/key40");
            assertThat(b.listKeys("")).containsExactlyInAnyOrder(ns + "service/voltha/key4", ns + "service/voltha/key4/x",
                    ns + "service/voltha/key40", ns + "service/voltha/other");
            assertThat(b.exists("other")).isTrue();
            b.delete("other");
            assertThat(b.exists("other")).isFalse();
            b.deleteWithPrefix("key4/");
            assertThat(b.listKeys("")).containsExactlyInAnyOrder(ns + "service/voltha/key4", ns + "service/voltha/key40");
        }

        @Test
        @DisplayName("a watch through the Backend receives full keys, and deleteWatch stops it")
        void backendWatch() {
            Backend b = backend(ns + "svc");
            EventRecorder events = recorder();
            KvWatch w = b.createWatch("dir/", true, events);
            EventRecorder sentinel = recorder();
            b.createWatch("dir/", true, sentinel);
            b.put("dir/a", "1");
            events.awaitPut(ns + "svc/dir/a", "1");
            b.deleteWatch(w);
            int before = events.events().size();
            b.put("dir/b", "2");
            sentinel.awaitPut(ns + "svc/dir/b", "2");
            assertThat(events.events()).hasSize(before);
        }

        @Test
        @DisplayName("liveness: not alive at first; the channel's first value is the current state; a check makes it alive")
        void liveness() throws Exception {
            Backend b = backend(ns + "svc");
            assertThat(b.isAlive()).isFalse();
            BlockingQueue<Boolean> channel = b.enableLivenessChannel();
            assertThat(b.enableLivenessChannel()).isSameAs(channel);
            assertThat(channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
            assertThat(b.performLivenessCheck()).isTrue();
            assertThat(b.isAlive()).isTrue();
            assertThat(channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }

        @Test
        @DisplayName("an operation that finds nothing makes a new Backend alive")
        void operationsUpdateLiveness() {
            Backend b = backend(ns + "svc");
            assertThat(b.get("missing")).isEmpty();
            assertThat(b.isAlive()).isTrue();
            assertThatThrownBy(() -> b.put("", "x")).isInstanceOf(IllegalArgumentException.class);
            assertThat(b.isAlive()).isTrue();
        }

        @Test
        @DisplayName("10,000 operations with an unread liveness channel never block")
        void unreadChannelNeverBlocks() {
            Backend b = backend(ns + "svc");
            b.setLivenessChannelInterval(Duration.ofMillis(1));
            BlockingQueue<Boolean> channel = b.enableLivenessChannel();
            List<CompletableFuture<?>> ops = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                ops.add(i % 2 == 0 ? b.putAsync("k" + (i % 100), "v") : b.getAsync("k" + (i % 100)));
                if (ops.size() == 256) {
                    ops.forEach(KvStoreCompatibilityKit::await);
                    ops.clear();
                }
            }
            ops.forEach(KvStoreCompatibilityKit::await);
            assertThat(b.isAlive()).isTrue();
            assertThat(channel).isNotEmpty().allMatch(Boolean::booleanValue);
        }
    }

    @Nested
    @DisplayName("An unreachable store")
    class UnreachableStore {

        private Backend unreachable() {
            Optional<KvStoreConfig> cfg = unreachableConfig();
            assumeTrue(cfg.isPresent(), "this store cannot be unreachable (no unreachableConfig())");
            KvStoreConfig c = cfg.get();
            Backend b = Backend.builder().storeType(c.storeType()).address(c.address()).timeout(c.timeout())
                    .options(c.options()).pathPrefix(ns + "svc").build();
            toClose.add(b);
            return b;
        }

        private Duration bound(Backend b) {
            return b.timeout().plusSeconds(3);
        }

        private void assertUnavailableWithin(Backend b, String what, Runnable operation) {
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    operation.run();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Throwable t;
            try {
                t = outcome.get(bound(b).toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(what + " did not fail within " + bound(b) + " (the timeout plus 3 s)", e);
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError(e);
            }
            assertThat(t).as(what).isInstanceOf(KvStoreUnavailableException.class);
        }

        @Test
        @DisplayName("creating a Backend does not fail; it is not alive")
        void createDoesNotFail() {
            Backend b = unreachable();
            assertThat(b.isAlive()).isFalse();
        }

        @Test
        @DisplayName("every operation fails with KvStoreUnavailableException within the timeout")
        void operationsFail() {
            Backend b = unreachable();
            assertUnavailableWithin(b, "put", () -> b.put("k", "v"));
            assertUnavailableWithin(b, "get", () -> b.get("k"));
            assertUnavailableWithin(b, "list", () -> b.list("k"));
            assertUnavailableWithin(b, "listKeys", () -> b.listKeys("k"));
            assertUnavailableWithin(b, "exists", () -> b.exists("k"));
            assertUnavailableWithin(b, "delete", () -> b.delete("k"));
            assertUnavailableWithin(b, "deleteWithPrefix", () -> b.deleteWithPrefix("k"));
            assertUnavailableWithin(b, "createWatch", () -> b.createWatch("k", true, e -> { }));
            assertThat(b.isAlive()).isFalse();
        }

        @Test
        @DisplayName("the liveness check and the channel say false within the timeout")
        void livenessFalse() throws Exception {
            Backend b = unreachable();
            CompletableFuture<Boolean> check = CompletableFuture.supplyAsync(b::performLivenessCheck);
            assertThat(check.get(bound(b).toMillis(), TimeUnit.MILLISECONDS)).isFalse();
            BlockingQueue<Boolean> channel = b.enableLivenessChannel();
            assertThat(channel.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        }

        @Test
        @DisplayName("the client's own futures fail with KvStoreUnavailableException (within the timeout if it declares BOUNDED_BY_TIMEOUT)")
        void clientFails() throws InterruptedException {
            KvStoreConfig c = unreachableConfig().orElse(null);
            assumeTrue(c != null, "this store cannot be unreachable (no unreachableConfig())");
            try (KvStoreClient down = providerFor(c.storeType()).create(c)) {
                Throwable t = failureOf(() -> down.get(ns + "k"));
                assertThat(t).isInstanceOf(KvStoreUnavailableException.class);
                if (down.capabilities().contains(KvCapability.BOUNDED_BY_TIMEOUT)) {
                    // The Backend arms no timer for such a store: its own futures must end in time.
                    Duration bound = c.timeout().plusSeconds(3);
                    for (Supplier<CompletableFuture<?>> op : List.<Supplier<CompletableFuture<?>>>of(
                            () -> down.put(ns + "k", bytes("v")), () -> down.list(ns),
                            () -> down.listKeys(ns), () -> down.exists(ns + "k"), () -> down.delete(ns + "k"),
                            () -> down.deleteWithPrefix(ns), () -> down.get(ns + "k"))) {
                        CompletableFuture<?> f = op.get();
                        try {
                            f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
                            fail("an operation on an unreachable store succeeded");
                        } catch (TimeoutException e) {
                            throw new AssertionError("the store declares BOUNDED_BY_TIMEOUT but an operation's future"
                                    + " did not complete within " + bound + " (the timeout plus 3 s)", e);
                        } catch (ExecutionException e) {
                            assertThat(e.getCause()).isInstanceOf(KvStoreUnavailableException.class);
                        }
                    }
                }
                assertThat(await(down.isConnectionUp())).isFalse();
            }
        }
    }
}
