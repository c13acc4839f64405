package dev.kvstore.benchmarks;

import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import dev.kvstore.redis.RedisOptions;
import dev.kvstore.spi.KeyIndexMaintenance;
import dev.kvstore.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Redis's key index ({@link RedisOptions#KEY_INDEX}) against {@code SCAN}: a 10-key prefix listed
 * through {@link Backend#list} in a database of 1,000,000 other keys, inside the JVM, warm. Starts a
 * Redis (without persistence), fills it with a pipelined raw loader ({@code MSET} of 1,000 keys per
 * command), writes the 10 keys through an indexed Backend, then measures
 * <ol>
 *   <li>without the index: {@code bench.scanLists} lists (default 20, after 3 warm-up lists; each
 *       walks the whole database with {@code SCAN});
 *   <li>{@code kvctl reindex}'s work ({@link KeyIndexMaintenance#reindex}) over the whole database,
 *       which puts the million keys the raw loader wrote into the index;
 *   <li>with the index: {@code bench.lists} lists (default 200, after as many warm-up lists), twice,
 *       interleaved with {@code listKeys}: the two series' medians differ by chance alone (the noise
 *       row).
 * </ol>
 * Prints median, p99 and max of each. Not a test; run it (holding the server lock on a shared
 * machine) with
 *
 * <pre>./mvnw -B -q -pl kvstore-benchmarks -am test-compile -Pbench -Dbench.main=dev.kvstore.benchmarks.KeyIndexBenchmark</pre>
 *
 * <p>{@code -Dbench.keys=N} sets the database size (default 1,000,000). Redis needs about 150 MB for
 * the keys and as much again for the index.
 */
public final class KeyIndexBenchmark {

    private static final String PREFIX = "devices/t/";
    private static final int PREFIX_KEYS = 10;
    private static final String VALUE = "key-index-benchmark-value-012345";

    private KeyIndexBenchmark() {}

    /**
     * Runs the benchmark and prints the figures.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        int keys = Integer.getInteger("bench.keys", 1_000_000);
        int lists = Integer.getInteger("bench.lists", 200);
        int scanLists = Integer.getInteger("bench.scanLists", 20);
        try (RedisServer redis = RedisServer.startWithoutPersistence()) {
            long fillNanos = fill(redis, keys);
            System.out.printf(
                    Locale.ROOT,
                    "%s UTC; %d cores, load average %.1f; Java %s; Redis at %s%n"
                            + "filled %,d keys (pipelined MSET, not indexed) in %.1f s%n",
                    Instant.now().truncatedTo(ChronoUnit.MINUTES),
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    System.getProperty("java.version"),
                    redis.address(),
                    keys,
                    fillNanos / 1e9);
            try (Backend plain = backend(redis, false);
                    Backend indexed = backend(redis, true)) {
                for (int i = 0; i < PREFIX_KEYS; i++) {
                    indexed.put(PREFIX + i, VALUE);
                }
                Histogram scan = measure(3, scanLists, () -> plain.list(PREFIX));
                print("list, SCAN (no index)", scan, scanLists);
                long before = usedMemory(redis);

                long start = System.nanoTime();
                KeyIndexMaintenance.Counts counts = KeyIndexMaintenance.of(indexed.client())
                        .orElseThrow()
                        .reindex("")
                        .join();
                long reindexNanos = System.nanoTime() - start;
                System.out.printf(
                        Locale.ROOT,
                        "reindex of the whole database: %.1f s (added %,d, removed %,d, kept %,d)%n"
                                + "Redis used_memory: %,d bytes without the index, %,d with it%n",
                        reindexNanos / 1e9,
                        counts.added(),
                        counts.removed(),
                        counts.kept(),
                        before,
                        usedMemory(redis));

                measure(lists, 0, () -> indexed.list(PREFIX)); // warm-up
                Histogram a = new Histogram(3);
                Histogram b = new Histogram(3);
                Histogram keysOnly = new Histogram(3);
                for (int i = 0; i < lists; i++) {
                    record(a, () -> indexed.list(PREFIX));
                    record(keysOnly, () -> toMap(indexed.listKeys(PREFIX)));
                    record(b, () -> indexed.list(PREFIX));
                }
                print("list, key index", a, lists);
                print("noise: list, key index, 2nd series", b, lists);
                print("listKeys, key index", keysOnly, lists);
                System.out.printf(
                        Locale.ROOT,
                        "median SCAN / median index: %.0fx%n",
                        (double) scan.getValueAtPercentile(50) / a.getValueAtPercentile(50));
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static Backend backend(RedisServer redis, boolean keyIndex) {
        return Backend.builder()
                .storeType("redis")
                .address(redis.address())
                .timeout(Duration.ofSeconds(30))
                .option(RedisOptions.KEY_INDEX, Boolean.toString(keyIndex))
                .build();
    }

    /** Writes {@code n} keys {@code devices/0000000...} with raw pipelined {@code MSET}s of 1,000 keys. */
    private static long fill(RedisServer redis, int n) {
        RedisClient client = RedisClient.create(RedisURI.create("redis://" + redis.address()));
        long start = System.nanoTime();
        try (StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8)) {
            c.setAutoFlushCommands(false);
            List<RedisFuture<String>> sent = new ArrayList<>();
            for (int i = 0; i < n; i += 1000) {
                Map<String, String> batch = new LinkedHashMap<>();
                for (int j = i; j < Math.min(n, i + 1000); j++) {
                    batch.put(String.format(Locale.ROOT, "devices/%07d", j), VALUE);
                }
                sent.add(c.async().mset(batch));
                if (sent.size() % 16 == 0) {
                    c.flushCommands();
                }
                if (sent.size() >= 64) {
                    awaitAll(sent);
                }
            }
            c.flushCommands();
            awaitAll(sent);
        } finally {
            client.shutdown();
        }
        return System.nanoTime() - start;
    }

    /** {@code used_memory} from {@code INFO memory}. */
    private static long usedMemory(RedisServer redis) {
        for (String line : redis.redisCli("INFO", "memory").split("\\R")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).strip());
            }
        }
        throw new IllegalStateException("INFO memory without used_memory");
    }

    private static void awaitAll(List<RedisFuture<String>> sent) {
        for (RedisFuture<String> f : sent) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("fill failed", e);
            }
        }
        sent.clear();
    }

    private static Histogram measure(int warmUp, int n, Supplier<Map<String, ?>> list) {
        for (int i = 0; i < warmUp; i++) {
            check(list.get());
        }
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            record(h, list);
        }
        return h;
    }

    private static void record(Histogram h, Supplier<Map<String, ?>> list) {
        long start = System.nanoTime();
        Map<String, ?> found = list.get();
        h.recordValue(System.nanoTime() - start);
        check(found);
    }

    private static Map<String, ?> toMap(List<String> keys) {
        Map<String, KvPair> m = new LinkedHashMap<>();
        for (String k : keys) {
            m.put(k, null);
        }
        return m;
    }

    private static void check(Map<String, ?> found) {
        if (found.size() != PREFIX_KEYS) {
            throw new IllegalStateException("listed " + found.size() + " keys, expected " + PREFIX_KEYS);
        }
    }

    private static void print(String what, Histogram h, int n) {
        System.out.printf(
                Locale.ROOT,
                "%-38s %4d lists: median %9.3f ms   p99 %9.3f ms   max %9.3f ms%n",
                what,
                n,
                h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6);
    }
}
