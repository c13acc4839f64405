package dev.kvstore.benchmarks;

import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import dev.kvstore.spi.Bulk;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.TestServer;
import dev.kvstore.testing.ZooKeeperServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bulk API against a loop of blocking calls on each store's server, started here (etcd, Redis,
 * ZooKeeper; {@code -Dbench.stores=etcd,redis,zookeeper}): 1,000 keys written
 * with {@link Backend#put} one by one, then with one {@link Backend#putAll} (both creating the keys); read with {@link Backend#get}
 * one by one, then with one {@link Backend#getAll}; deleted likewise. Beside them the portable form
 * (one asynchronous call per key, all at once: {@link Bulk#putAllConcurrently}, what a store without
 * its own bulk code gets). Prints milliseconds per 1,000 keys (best of the rounds) and the ratio
 * loop / bulk. Not a test; run it with
 *
 * <pre>./mvnw -B -q -pl kvstore-benchmarks -am test-compile -Pbench -Dbench.main=dev.kvstore.benchmarks.BulkBenchmark</pre>
 *
 * <p>{@code -Dbench.options=key-index=true} (with {@code -Dbench.stores=redis}) gives the Backend store
 * options ({@link BenchOptions}). {@code -Dbench.rounds=N} sets the rounds (default 5, after one warm-up round). Figures move 30–50 %
 * between runs on a shared 2-core machine: read the ratio within one run.
 */
public final class BulkBenchmark {

    private static final int KEYS = 1_000;
    private static final byte[] VALUE = "bulk-benchmark-value-0123456789ab".getBytes(StandardCharsets.UTF_8);

    private BulkBenchmark() {}

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        int rounds = Integer.getInteger("bench.rounds", 5);
        for (String store :
                System.getProperty("bench.stores", "etcd,redis,zookeeper").split(",")) {
            run(store.strip(), rounds);
        }
        System.exit(0);
    }

    private static TestServer start(String store) {
        return switch (store) {
            case "etcd" -> EtcdServer.start();
            case "redis" -> RedisServer.startWithoutPersistence();
            case "zookeeper" -> ZooKeeperServer.start();
            default -> throw new IllegalArgumentException("no bulk benchmark for store " + store);
        };
    }

    private static void run(String store, int rounds) {
        try (TestServer server = start(store);
                Backend b = BenchOptions.apply(Backend.builder()
                                .storeType(store)
                                .address(server.address())
                                .timeout(Duration.ofSeconds(30))
                                .pathPrefix("bulk-bench"))
                        .build()) {
            List<String> keys = new ArrayList<>(KEYS);
            Map<String, byte[]> entries = new LinkedHashMap<>();
            Map<String, byte[]> fullEntries = new LinkedHashMap<>();
            for (int i = 0; i < KEYS; i++) {
                String key = "d/k" + i;
                keys.add(key);
                entries.put(key, VALUE);
                fullEntries.put(b.fullKey(key), VALUE);
            }
            List<String> fullKeys = new ArrayList<>(fullEntries.keySet());
            long[] bestNanos = new long[8];
            java.util.Arrays.fill(bestNanos, Long.MAX_VALUE);
            for (int round = 0; round <= rounds; round++) {
                long[] t = new long[8];
                // Every put writes keys that do not exist: each way starts from an empty prefix.
                t[0] = time(() -> keys.forEach(k -> b.put(k, VALUE)));
                t[3] = time(() -> keys.forEach(b::get));
                t[6] = time(() -> keys.forEach(b::delete));
                t[1] = time(() -> b.putAll(entries));
                t[4] = time(() -> check(b.getAll(keys)));
                t[7] = time(() -> b.deleteAll(keys));
                t[2] = time(
                        () -> Bulk.putAllConcurrently(b.client(), fullEntries).join());
                t[5] = time(() ->
                        check(Bulk.getAllConcurrently(b.client(), fullKeys).join()));
                b.deleteAll(keys);
                if (round > 0) { // round 0 warms up
                    for (int i = 0; i < 8; i++) {
                        bestNanos[i] = Math.min(bestNanos[i], t[i]);
                    }
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s %s: %d keys of %d bytes through Backend; best of %d rounds; %d cores, load %.1f%s%n",
                    store,
                    server.address(),
                    KEYS,
                    VALUE.length,
                    rounds,
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage(),
                    BenchOptions.describe());
            row("put", bestNanos[0], bestNanos[1], bestNanos[2]);
            row("get", bestNanos[3], bestNanos[4], bestNanos[5]);
            row("delete", bestNanos[6], bestNanos[7], -1);
        } catch (Exception e) {
            throw new IllegalStateException("bulk benchmark on " + store + " failed", e);
        }
    }

    private static void row(String op, long loop, long bulk, long concurrent) {
        System.out.printf(
                Locale.ROOT,
                "  %-6s loop %8.1f ms   bulk %7.1f ms   loop/bulk %6.1fx%s%n",
                op,
                loop / 1e6,
                bulk / 1e6,
                (double) loop / bulk,
                concurrent < 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "   concurrent singles %7.1f ms (loop/concurrent %.1fx)",
                                concurrent / 1e6,
                                (double) loop / concurrent));
    }

    private static void check(Map<String, KvPair> read) {
        if (read.size() != KEYS) {
            throw new IllegalStateException("read " + read.size() + " keys, expected " + KEYS);
        }
    }

    private static long time(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }
}
