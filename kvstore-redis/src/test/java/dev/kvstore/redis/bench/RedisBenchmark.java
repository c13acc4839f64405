package dev.kvstore.redis.bench;

import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisServer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Measures the Redis store through the {@link Backend} against lettuce used directly, in one run
 * on one Redis server it starts: blocking put/get from one thread, asynchronous put/get with 128
 * in flight on one pipelined connection, listing a 1,000-key prefix ({@code SCAN} + {@code MGET},
 * in a database of 11,000 keys), and watch latency (put until the event with its value arrives).
 * The last columns show the store's {@link KvStoreClient} without the Backend, to tell the two
 * layers' costs apart.
 *
 * <p>After a warm-up, six rounds run driver, client and Backend back to back. The ops/s and
 * percentiles shown are each side's best round; the ratio (1.0 = as fast as the driver) is the
 * median of the six rounds' ratios, which damps the drift of a shared machine's load.
 *
 * <p>Run: {@code mvn -q -pl kvstore-redis -am install -DskipTests && mvn -q -pl kvstore-redis exec:java}
 * (the module's pom points exec:java at this class with the test class path). Not a test.
 */
public final class RedisBenchmark {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final byte[] VALUE = "a value of some 32 bytes........".getBytes(StandardCharsets.UTF_8);
    private static final int ROUNDS = 6;
    private static final int BLOCKING_OPS = 5_000;
    private static final int ASYNC_OPS = 50_000;
    private static final int IN_FLIGHT = 128;
    private static final int LIST_KEYS = 1_000;
    private static final int LISTS = 30;
    private static final int WATCH_EVENTS = 1_000;

    private RedisBenchmark() {}

    /** One measured run: operations, seconds, latency in microseconds. */
    record Result(long ops, double seconds, Histogram micros) {
        double opsPerSecond() {
            return ops / seconds;
        }

        Result better(Result other) {
            return other == null || opsPerSecond() >= other.opsPerSecond() ? this : other;
        }
    }

    /** A workload: the same operations written against lettuce and against the Backend. */
    interface Workload {
        Result run() throws Exception;
    }

    /**
     * Runs the benchmark.
     *
     * @param args none
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        try (RedisServer redis = RedisServer.startWithoutPersistence()) {
            RedisClient client = RedisClient.create(RedisURI.create("redis://" + redis.address()));
            try (StatefulRedisConnection<String, byte[]> conn = client.connect(CODEC);
                    Backend backend = Backend.create("redis", redis.address(), Duration.ofSeconds(5), "bench")) {
                RedisCommands<String, byte[]> sync = conn.sync();
                RedisAsyncCommands<String, byte[]> async = conn.async();
                for (int i = 0; i < LIST_KEYS; i++) {
                    sync.set("bench/list/" + i, VALUE);
                }
                for (int i = 0; i < 10_000; i++) { // unrelated keys SCAN must walk past
                    sync.set("other/" + i, VALUE);
                }
                sync.set("bench/k", VALUE);

                System.out.printf(
                        "Redis %s, lettuce 6.8 direct vs kvstore Backend (storeType redis), %d cores%n",
                        redis.redisCli("INFO", "server")
                                .lines()
                                .filter(l -> l.startsWith("redis_version"))
                                .findFirst()
                                .orElse("?")
                                .strip(),
                        Runtime.getRuntime().availableProcessors());
                System.out.printf(
                        "%-26s %12s %9s %9s | %12s %9s %9s | %6s | %12s %6s%n",
                        "workload",
                        "driver op/s",
                        "p50 µs",
                        "p99 µs",
                        "Backend op/s",
                        "p50 µs",
                        "p99 µs",
                        "ratio",
                        "client op/s",
                        "ratio");

                KvStoreClient kv = backend.client();
                compare(
                        "blocking put, 1 thread",
                        () -> blocking(BLOCKING_OPS, i -> sync.set("bench/k" + (i % 1000), VALUE)),
                        () -> blocking(
                                BLOCKING_OPS,
                                i -> kv.put("bench/k" + (i % 1000), VALUE).join()),
                        () -> blocking(BLOCKING_OPS, i -> {
                            backend.put("k" + (i % 1000), VALUE);
                            return null;
                        }));
                compare(
                        "blocking get, 1 thread",
                        () -> blocking(BLOCKING_OPS, i -> sync.get("bench/k")),
                        () -> blocking(BLOCKING_OPS, i -> kv.get("bench/k").join()),
                        () -> blocking(BLOCKING_OPS, i -> backend.get("k")));
                compare(
                        "async put, 128 in flight",
                        () -> pipelined(ASYNC_OPS, i -> async.set("bench/k" + (i % 1000), VALUE)),
                        () -> pipelined(ASYNC_OPS, i -> kv.put("bench/k" + (i % 1000), VALUE)),
                        () -> pipelined(ASYNC_OPS, i -> backend.putAsync("k" + (i % 1000), VALUE)));
                compare(
                        "async get, 128 in flight",
                        () -> pipelined(ASYNC_OPS, i -> async.get("bench/k")),
                        () -> pipelined(ASYNC_OPS, i -> kv.get("bench/k")),
                        () -> pipelined(ASYNC_OPS, i -> backend.getAsync("k")));
                compare(
                        "list 1,000-key prefix",
                        () -> blocking(
                                LISTS,
                                i -> check(directList(async, "bench/list/").join())),
                        () -> blocking(LISTS, i -> check(kv.list("bench/list/").join())),
                        () -> blocking(LISTS, i -> check(backend.list("list/"))));
                compare(
                        "watch put→event",
                        () -> directWatch(client, sync),
                        () -> clientWatch(kv),
                        () -> backendWatch(backend));
            } finally {
                client.shutdown();
            }
        }
    }

    private static <T extends Map<?, ?>> T check(T listed) {
        if (listed.size() != LIST_KEYS) {
            throw new IllegalStateException("listed " + listed.size() + " keys, expected " + LIST_KEYS);
        }
        return listed;
    }

    private static void compare(String name, Workload driver, Workload client, Workload backend) throws Exception {
        driver.run(); // warm-up
        client.run();
        backend.run();
        Result d = null;
        Result c = null;
        Result b = null;
        double[] backendRatios = new double[ROUNDS];
        double[] clientRatios = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            Result dr = driver.run();
            Result cr = client.run();
            Result br = backend.run();
            backendRatios[round] = br.opsPerSecond() / dr.opsPerSecond();
            clientRatios[round] = cr.opsPerSecond() / dr.opsPerSecond();
            d = dr.better(d);
            c = cr.better(c);
            b = br.better(b);
        }
        System.out.printf(
                "%-26s %12.0f %9d %9d | %12.0f %9d %9d | %6.2f | %12.0f %6.2f%n",
                name,
                d.opsPerSecond(),
                d.micros().getValueAtPercentile(50),
                d.micros().getValueAtPercentile(99),
                b.opsPerSecond(),
                b.micros().getValueAtPercentile(50),
                b.micros().getValueAtPercentile(99),
                median(backendRatios),
                c.opsPerSecond(),
                median(clientRatios));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static Result blocking(int ops, IntFunction<?> op) {
        Histogram h = new Histogram(3);
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            long t = System.nanoTime();
            op.apply(i);
            h.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
        }
        return new Result(ops, (System.nanoTime() - start) / 1e9, h);
    }

    private static Result pipelined(int ops, IntFunction<CompletionStage<?>> op) throws InterruptedException {
        Histogram h = new Histogram(3);
        Semaphore window = new Semaphore(IN_FLIGHT);
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            window.acquire();
            long t = System.nanoTime();
            op.apply(i).whenComplete((v, e) -> {
                long micros = Math.max(1, (System.nanoTime() - t) / 1000);
                synchronized (h) {
                    h.recordValue(micros);
                }
                window.release();
            });
        }
        window.acquire(IN_FLIGHT);
        return new Result(ops, (System.nanoTime() - start) / 1e9, h);
    }

    /** What a careful lettuce user writes for a prefix list: SCAN MATCH, then pipelined MGET pages. */
    private static CompletableFuture<Map<String, byte[]>> directList(
            RedisAsyncCommands<String, byte[]> async, String prefix) {
        List<String> keys = new ArrayList<>();
        ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(1000);
        return scanAll(async, ScanCursor.INITIAL, args, keys).thenCompose(v -> {
            List<CompletableFuture<List<KeyValue<String, byte[]>>>> pages = new ArrayList<>();
            for (int i = 0; i < keys.size(); i += 1000) {
                pages.add(async.mget(
                                keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(String[]::new))
                        .toCompletableFuture());
            }
            return CompletableFuture.allOf(pages.toArray(CompletableFuture[]::new))
                    .thenApply(x -> {
                        Map<String, byte[]> result = new TreeMap<>();
                        pages.forEach(p -> p.join().forEach(kv -> {
                            if (kv.hasValue()) {
                                result.put(kv.getKey(), kv.getValue());
                            }
                        }));
                        return result;
                    });
        });
    }

    private static CompletableFuture<Void> scanAll(
            RedisAsyncCommands<String, byte[]> async, ScanCursor cursor, ScanArgs args, List<String> keys) {
        return async.scan(cursor, args).toCompletableFuture().thenCompose((KeyScanCursor<String> c) -> {
            keys.addAll(c.getKeys());
            return c.isFinished() ? CompletableFuture.completedFuture(null) : scanAll(async, c, args, keys);
        });
    }

    /** lettuce directly: keyspace notification, then GET on the command connection, as the store does. */
    private static Result directWatch(RedisClient client, RedisCommands<String, byte[]> sync) throws Exception {
        sync.configSet("notify-keyspace-events", "Kg$xe");
        SynchronousQueue<byte[]> seen = new SynchronousQueue<>();
        StatefulRedisConnection<String, byte[]> reader = client.connect(CODEC);
        try (StatefulRedisPubSubConnection<String, String> ps = client.connectPubSub()) {
            ps.addListener(new RedisPubSubAdapter<String, String>() {
                @Override
                public void message(String channel, String message) {
                    reader.async().get("bench/wd").thenAccept(v -> {
                        try {
                            seen.put(v);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
            });
            ps.sync().subscribe("__keyspace@0__:bench/wd");
            return blocking(WATCH_EVENTS, i -> {
                sync.set("bench/wd", VALUE);
                return take(seen);
            });
        } finally {
            reader.close();
        }
    }

    private static Result clientWatch(KvStoreClient kv) {
        SynchronousQueue<KvEvent> seen = new SynchronousQueue<>();
        KvWatch watch = kv.watch("bench/wc", false, e -> {
                    try {
                        seen.put(e);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                })
                .join();
        try {
            return blocking(WATCH_EVENTS, i -> {
                kv.put("bench/wc", VALUE).join();
                return take(seen);
            });
        } finally {
            watch.close();
        }
    }

    private static Result backendWatch(Backend backend) {
        SynchronousQueue<KvEvent> seen = new SynchronousQueue<>();
        KvWatch watch = backend.createWatch("wb", false, e -> {
            try {
                seen.put(e);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            return blocking(WATCH_EVENTS, i -> {
                backend.put("wb", VALUE);
                return take(seen);
            });
        } finally {
            backend.deleteWatch(watch);
        }
    }

    private static <T> T take(SynchronousQueue<T> q) {
        try {
            T v = q.poll(5, TimeUnit.SECONDS);
            if (v == null) {
                throw new IllegalStateException("no watch event within 5 s");
            }
            return v;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
