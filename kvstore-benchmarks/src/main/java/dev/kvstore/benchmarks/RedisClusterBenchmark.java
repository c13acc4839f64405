package dev.kvstore.benchmarks;

import dev.kvstore.KvEvent;
import dev.kvstore.KvLock;
import dev.kvstore.KvLockHandle;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.RedisServer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Measures storeType {@code redis-cluster} through the {@link Backend} against lettuce's
 * {@link RedisClusterClient} used directly, in one run on a 3-master + 3-replica cluster it
 * starts: blocking put/get from one thread and from 16 threads, listing a 1,000-key prefix spread
 * over every master ({@code SCAN} on each master, then the values), watch latency, and an
 * uncontended lock acquire + release (the Backend's recipe, with its fencing token, against
 * {@code SET NX PX} plus a compare-and-delete script, as for {@code redis}). Then the
 * scaling figure: 16-thread put throughput through the Backend on the cluster against one
 * {@code redis} server (every process shares this machine's cores, so this is no measure of what
 * three machines would do).
 *
 * <p>After a warm-up, {@code bench.rounds} rounds (default 3) run driver and Backend back to back;
 * ops/s are each side's best round, the ratio (1.0 = as fast as the driver) the median of the
 * rounds' ratios.
 *
 * <p>Run: {@code ./mvnw -B -q -pl kvstore-benchmarks -am test-compile -Pbench
 * -Dbench.main=dev.kvstore.benchmarks.RedisClusterBenchmark}. Not a test.
 */
public final class RedisClusterBenchmark {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final byte[] VALUE = "a value of some 32 bytes........".getBytes(StandardCharsets.UTF_8);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int BLOCKING_OPS = 3_000;
    private static final int THREADS = 16;
    private static final int THREAD_OPS = 20_000;
    private static final int LIST_KEYS = 1_000;
    private static final int LISTS = 20;
    private static final int WATCH_EVENTS = 500;
    private static final int LOCK_CYCLES = 200;
    /** The native lock's release: delete the key only while it holds our token. */
    private static final String RELEASE =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    private RedisClusterBenchmark() {}

    /** One measured run. */
    record Result(long ops, double seconds, Histogram micros) {
        double opsPerSecond() {
            return ops / seconds;
        }
    }

    /** A workload. */
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
        double clusterPut16;
        try (RedisClusterServer cluster = RedisClusterServer.start()) {
            List<RedisURI> seeds = Arrays.stream(cluster.address().split(","))
                    .map(a -> RedisURI.create("redis://" + a))
                    .collect(Collectors.toList());
            RedisClusterClient client = RedisClusterClient.create(seeds);
            try (StatefulRedisClusterConnection<String, byte[]> conn = client.connect(CODEC);
                    Backend backend =
                            Backend.create("redis-cluster", cluster.address(), Duration.ofSeconds(5), "bench")) {
                RedisAdvancedClusterCommands<String, byte[]> sync = conn.sync();
                RedisAdvancedClusterAsyncCommands<String, byte[]> async = conn.async();
                for (int i = 0; i < LIST_KEYS; i++) {
                    sync.set("bench/list/" + i, VALUE);
                }
                for (int i = 0; i < 10_000; i++) {
                    sync.set("other/" + i, VALUE);
                }
                sync.set("bench/k", VALUE);
                System.out.printf(
                        "Redis Cluster, 3 masters + 3 replicas on one machine (%d cores): lettuce 6.8 cluster client"
                                + " direct vs kvstore Backend (storeType redis-cluster)%n",
                        Runtime.getRuntime().availableProcessors());
                System.out.printf(
                        "%-28s %12s %8s | %12s %8s | %6s%n",
                        "workload", "driver op/s", "p50 µs", "Backend op/s", "p50 µs", "ratio");
                compare(
                        "blocking put, 1 thread",
                        () -> blocking(BLOCKING_OPS, i -> sync.set("bench/k" + (i % 1000), VALUE)),
                        () -> blocking(BLOCKING_OPS, i -> {
                            backend.put("k" + (i % 1000), VALUE);
                            return null;
                        }));
                compare(
                        "blocking get, 1 thread",
                        () -> blocking(BLOCKING_OPS, i -> sync.get("bench/k" + (i % 1000))),
                        () -> blocking(BLOCKING_OPS, i -> backend.get("k" + (i % 1000))));
                compare(
                        "blocking put, 16 threads",
                        () -> threads(i -> sync.set("bench/k" + (i % 1000), VALUE)),
                        () -> threads(i -> {
                            backend.put("k" + (i % 1000), VALUE);
                            return null;
                        }));
                compare(
                        "blocking get, 16 threads",
                        () -> threads(i -> sync.get("bench/k" + (i % 1000))),
                        () -> threads(i -> backend.get("k" + (i % 1000))));
                compare(
                        "list 1,000 keys, 3 masters",
                        () -> blocking(LISTS, i -> check(directList(conn, "bench/list/"))),
                        () -> blocking(LISTS, i -> check(backend.list("list/"))));
                compare("watch put→event", () -> directWatch(client, sync), () -> backendWatch(backend));
                String releaseSha = sync.scriptLoad(RELEASE);
                AtomicLong tokens = new AtomicLong();
                KvLock lock = backend.lock("lock");
                compare(
                        "lock acquire + release",
                        () -> blocking(LOCK_CYCLES, i -> {
                            byte[] token =
                                    Long.toString(tokens.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
                            if (!"OK"
                                    .equals(sync.set(
                                            "bench/native-lock",
                                            token,
                                            SetArgs.Builder.nx().px(10_000)))) {
                                throw new IllegalStateException("lock not acquired");
                            }
                            Long released = sync.evalsha(
                                    releaseSha, ScriptOutputType.INTEGER, new String[] {"bench/native-lock"}, token);
                            if (released == null || released != 1L) {
                                throw new IllegalStateException("lock not released");
                            }
                            return null;
                        }),
                        () -> blocking(LOCK_CYCLES, i -> {
                            try (KvLockHandle held =
                                    lock.tryAcquire(Duration.ofSeconds(5)).orElseThrow()) {
                                return held.fencingToken();
                            }
                        }));
                clusterPut16 = best(() -> threads(i -> {
                    backend.put("k" + (i % 1000), VALUE);
                    return null;
                }));
            } finally {
                client.shutdown();
            }
        }
        double singlePut16;
        try (RedisServer redis = RedisServer.startWithoutPersistence();
                Backend backend = Backend.create("redis", redis.address(), Duration.ofSeconds(5), "bench")) {
            singlePut16 = best(() -> threads(i -> {
                backend.put("k" + (i % 1000), VALUE);
                return null;
            }));
        }
        System.out.printf(
                "scaling: 16-thread put through the Backend: %.0f op/s on 3 masters vs %.0f op/s on one redis (x%.2f;"
                        + " all 7 servers and the client share %d cores)%n",
                clusterPut16,
                singlePut16,
                clusterPut16 / singlePut16,
                Runtime.getRuntime().availableProcessors());
    }

    private static Map<?, ?> check(Map<?, ?> listed) {
        if (listed.size() != LIST_KEYS) {
            throw new IllegalStateException("listed " + listed.size() + " keys, expected " + LIST_KEYS);
        }
        return listed;
    }

    private static double best(Workload w) throws Exception {
        w.run();
        double best = 0;
        for (int r = 0; r < ROUNDS; r++) {
            best = Math.max(best, w.run().opsPerSecond());
        }
        return best;
    }

    private static void compare(String name, Workload driver, Workload backend) throws Exception {
        driver.run();
        backend.run();
        Result d = null;
        Result b = null;
        double[] ratios = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            Result dr = driver.run();
            Result br = backend.run();
            ratios[round] = br.opsPerSecond() / dr.opsPerSecond();
            d = d == null || dr.opsPerSecond() > d.opsPerSecond() ? dr : d;
            b = b == null || br.opsPerSecond() > b.opsPerSecond() ? br : b;
        }
        Arrays.sort(ratios);
        double median = ROUNDS % 2 == 1 ? ratios[ROUNDS / 2] : (ratios[ROUNDS / 2 - 1] + ratios[ROUNDS / 2]) / 2;
        System.out.printf(
                "%-28s %12.0f %8d | %12.0f %8d | %6.2f%n",
                name,
                d.opsPerSecond(),
                d.micros().getValueAtPercentile(50),
                b.opsPerSecond(),
                b.micros().getValueAtPercentile(50),
                median);
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

    /** {@link #THREAD_OPS} operations shared by {@link #THREADS} threads, each blocking on its own. */
    private static Result threads(IntFunction<?> op) throws InterruptedException {
        Histogram h = new Histogram(3);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                Histogram mine = new Histogram(3);
                for (int i = first; i < THREAD_OPS; i += THREADS) {
                    long s = System.nanoTime();
                    op.apply(i);
                    mine.recordValue(Math.max(1, (System.nanoTime() - s) / 1000));
                }
                synchronized (h) {
                    h.add(mine);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(THREAD_OPS, (System.nanoTime() - start) / 1e9, h);
    }

    /** What a careful lettuce user writes: SCAN MATCH on every master, then pipelined GETs. */
    private static Map<String, byte[]> directList(StatefulRedisClusterConnection<String, byte[]> conn, String prefix) {
        List<String> keys = new ArrayList<>();
        ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(1000);
        for (RedisClusterNode n : conn.getPartitions()) {
            if (n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getSlots().isEmpty()) {
                var node = conn.getConnection(n.getNodeId()).sync();
                KeyScanCursor<String> c = node.scan(ScanCursor.INITIAL, args);
                keys.addAll(c.getKeys());
                while (!c.isFinished()) {
                    c = node.scan(c, args);
                    keys.addAll(c.getKeys());
                }
            }
        }
        List<CompletableFuture<byte[]>> values = new ArrayList<>();
        for (String k : keys) {
            values.add(conn.async().get(k).toCompletableFuture());
        }
        Map<String, byte[]> result = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            byte[] v = values.get(i).join();
            if (v != null) {
                result.put(keys.get(i), v);
            }
        }
        return result;
    }

    /** lettuce directly: keyspace notifications from every master, then GET, as the store does. */
    private static Result directWatch(RedisClusterClient client, RedisAdvancedClusterCommands<String, byte[]> sync) {
        sync.upstream().commands().configSet("notify-keyspace-events", "Kg$xe");
        SynchronousQueue<byte[]> seen = new SynchronousQueue<>();
        try (StatefulRedisClusterPubSubConnection<String, String> ps = client.connectPubSub();
                StatefulRedisClusterConnection<String, byte[]> reader = client.connect(CODEC)) {
            ps.setNodeMessagePropagation(true);
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
            ps.sync().upstream().commands().subscribe("__keyspace@0__:bench/wd");
            return blocking(WATCH_EVENTS, i -> {
                sync.set("bench/wd", VALUE);
                return take(seen);
            });
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
