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
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * starts. The rows, by id: {@code put-1t}, {@code get-1t} (blocking, one thread), {@code put-16t},
 * {@code get-16t} (blocking, 16 threads), {@code list} (a 1,000-key prefix spread over every
 * master: {@code SCAN} on each master, then the values), {@code watch} (put→event latency),
 * {@code lock} (an uncontended acquire + release: the Backend's recipe, with its fencing token,
 * against {@code SET NX PX} plus a compare-and-delete script, as for {@code redis}); then
 * {@code noise}: one workload ({@code bench.noise}, default {@code get-16t}; {@code none} for no
 * noise row) with a second, independent lettuce cluster client in the Backend's place, i.e. how
 * far from 1.00 a ratio can be by chance in this run; and {@code scaling}: 16-thread put
 * throughput through the Backend on the cluster against one {@code redis} server (every process
 * shares this machine's cores, so this is no measure of what three machines would do).
 *
 * <p>After a warm-up of each side, {@code bench.rounds} rounds (default 3) run driver and Backend
 * back to back; ops/s and p50 are each side's best round, the ratio (1.0 = as fast as the driver)
 * the median of the rounds' ratios, CPU µs/op this process's CPU time (every thread: lettuce's I/O
 * threads too; the servers are other processes) over every measured round of that side.
 *
 * <p>System properties: {@code bench.rows} ({@code all}, or ids such as {@code put-1t,watch});
 * {@code bench.noise}; {@code bench.only} ({@code backend} or {@code driver}: that side alone, for
 * a profiler, the other side's columns then empty); {@code bench.rounds}.
 *
 * <p>Run: {@code ./mvnw -B -q -pl kvstore-benchmarks -am test-compile -Pbench
 * -Dbench.main=dev.kvstore.benchmarks.RedisClusterBenchmark}. Not a test.
 */
public final class RedisClusterBenchmark {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final byte[] VALUE = "a value of some 32 bytes........".getBytes(StandardCharsets.UTF_8);
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final String ONLY = System.getProperty("bench.only", "all").replace("all", "");
    private static final int BLOCKING_OPS = 6_000;
    private static final int THREADS = 16;
    private static final int THREAD_OPS = 40_000;
    private static final int LIST_KEYS = 1_000;
    private static final int LISTS = 30;
    private static final int WATCH_EVENTS = 2_000;
    private static final int LOCK_CYCLES = 400;
    /** The native lock's release: delete the key only while it holds our token. */
    private static final String RELEASE =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    /** The rows, by id, with their titles, in the order they run. */
    private static final Map<String, String> ROWS = new LinkedHashMap<>();

    static {
        ROWS.put("put-1t", "blocking put, 1 thread");
        ROWS.put("get-1t", "blocking get, 1 thread");
        ROWS.put("put-16t", "blocking put, 16 threads");
        ROWS.put("get-16t", "blocking get, 16 threads");
        ROWS.put("list", "list 1,000 keys, 3 masters");
        ROWS.put("watch", "watch put→event");
        ROWS.put("lock", "lock acquire + release");
    }

    private RedisClusterBenchmark() {}

    /** One measured run: operations, wall time, latencies and this process's CPU time. */
    record Result(long ops, double seconds, Histogram micros, long cpuNanos) {
        double opsPerSecond() {
            return ops / seconds;
        }
    }

    /** A workload. */
    interface Workload {
        Result run() throws Exception;
    }

    /** One side's workloads by row id. */
    interface Side {
        Workload workload(String id);
    }

    /**
     * Runs the benchmark.
     *
     * @param args none
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        String rowsWanted = System.getProperty("bench.rows", "all");
        List<String> rows = rowsWanted.equals("all")
                ? List.copyOf(ROWS.keySet())
                : Arrays.stream(rowsWanted.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList();
        for (String r : rows) {
            if (!ROWS.containsKey(r) && !r.equals("noise") && !r.equals("scaling")) {
                throw new IllegalArgumentException("no row " + r + "; known: " + ROWS.keySet() + ", noise, scaling");
            }
        }
        String noise = System.getProperty("bench.noise", "get-16t");
        boolean noiseRow = !noise.equals("none") && (rowsWanted.equals("all") || rows.contains("noise"));
        if (noiseRow && !ROWS.containsKey(noise)) {
            throw new IllegalArgumentException("no noise workload " + noise + "; known: " + ROWS.keySet());
        }
        String header = String.format(
                Locale.ROOT,
                "%s UTC; %d cores, load average %.1f; Java %s; %d rounds after a warm-up, driver then Backend%s",
                Instant.now().truncatedTo(ChronoUnit.MINUTES),
                Runtime.getRuntime().availableProcessors(),
                OS.getSystemLoadAverage(),
                System.getProperty("java.version"),
                ROUNDS,
                ONLY.isEmpty() ? "" : "; " + ONLY + " alone");
        System.out.println(header);
        List<String> table = new ArrayList<>();
        double clusterPut16 = 0;
        boolean scaling = rowsWanted.equals("all") || rows.contains("scaling");
        try (RedisClusterServer cluster = RedisClusterServer.start()) {
            List<RedisURI> seeds = Arrays.stream(cluster.address().split(","))
                    .map(a -> RedisURI.create("redis://" + a))
                    .collect(Collectors.toList());
            try (Direct driver = new Direct(seeds, "d");
                    Direct second = new Direct(seeds, "n");
                    Backend backend =
                            Backend.create("redis-cluster", cluster.address(), Duration.ofSeconds(5), "bench")) {
                driver.seed();
                BackendRows viaBackend = new BackendRows(backend);
                for (String id : rows) {
                    if (ROWS.containsKey(id)) {
                        table.add(compare(id, ROWS.get(id), driver, viaBackend));
                    }
                }
                if (noiseRow) {
                    table.add(compare(
                            "noise",
                            "noise: 2nd lettuce client as \"Backend\", " + ROWS.get(noise),
                            noise,
                            driver,
                            second));
                }
                if (scaling && ONLY.isEmpty()) {
                    clusterPut16 = best(viaBackend.workload("put-16t"));
                }
            }
        }
        System.out.println();
        System.out.println(header);
        System.out.println();
        System.out.println("| id | workload | driver op/s | p50 µs | Backend op/s | p50 µs | ratio"
                + " | driver CPU µs/op | Backend CPU µs/op | CPU ratio |");
        System.out.println("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        table.forEach(System.out::println);
        if (scaling && ONLY.isEmpty()) {
            double singlePut16;
            try (RedisServer redis = RedisServer.startWithoutPersistence();
                    Backend backend = Backend.create("redis", redis.address(), Duration.ofSeconds(5), "bench")) {
                singlePut16 = best(new BackendRows(backend).workload("put-16t"));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%nscaling: 16-thread put through the Backend: %.0f op/s on 3 masters vs %.0f op/s on one redis"
                            + " (x%.2f; all 7 servers and the client share %d cores)%n",
                    clusterPut16,
                    singlePut16,
                    clusterPut16 / singlePut16,
                    Runtime.getRuntime().availableProcessors());
        }
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

    private static String compare(String id, String title, Side driverSide, Side backendSide) throws Exception {
        return compare(id, title, id, driverSide, backendSide);
    }

    /** Warm-up of each side, then {@link #ROUNDS} rounds driver, Backend; prints and returns the row. */
    private static String compare(String id, String title, String workload, Side driverSide, Side backendSide)
            throws Exception {
        Workload driver = driverSide.workload(workload);
        Workload backend = backendSide.workload(workload);
        String line;
        if (!ONLY.isEmpty()) {
            Workload alone = ONLY.equals("backend") ? backend : driver;
            alone.run();
            Result best = null;
            long ops = 0;
            long cpu = 0;
            for (int round = 0; round < ROUNDS; round++) {
                Result r = alone.run();
                ops += r.ops();
                cpu += r.cpuNanos();
                best = best == null || r.opsPerSecond() > best.opsPerSecond() ? r : best;
            }
            String cells = String.format(
                    Locale.ROOT, "%.0f | %d", best.opsPerSecond(), best.micros().getValueAtPercentile(50));
            String cpuCell = String.format(Locale.ROOT, "%.1f", cpu / 1e3 / ops);
            boolean b = ONLY.equals("backend");
            line = String.format(
                    Locale.ROOT,
                    "| %s | %s (%s alone) | %s | %s | | %s | %s | |",
                    id,
                    title,
                    ONLY,
                    b ? " | " : cells,
                    b ? cells : " | ",
                    b ? "" : cpuCell,
                    b ? cpuCell : "");
            System.out.println(line);
            return line;
        }
        driver.run();
        backend.run();
        Result d = null;
        Result b = null;
        long dOps = 0;
        long dCpu = 0;
        long bOps = 0;
        long bCpu = 0;
        double[] ratios = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            Result dr = driver.run();
            Result br = backend.run();
            ratios[round] = br.opsPerSecond() / dr.opsPerSecond();
            d = d == null || dr.opsPerSecond() > d.opsPerSecond() ? dr : d;
            b = b == null || br.opsPerSecond() > b.opsPerSecond() ? br : b;
            dOps += dr.ops();
            dCpu += dr.cpuNanos();
            bOps += br.ops();
            bCpu += br.cpuNanos();
        }
        Arrays.sort(ratios);
        double median = ROUNDS % 2 == 1 ? ratios[ROUNDS / 2] : (ratios[ROUNDS / 2 - 1] + ratios[ROUNDS / 2]) / 2;
        double dCpuPerOp = dCpu / 1e3 / dOps;
        double bCpuPerOp = bCpu / 1e3 / bOps;
        line = String.format(
                Locale.ROOT,
                "| %s | %s | %.0f | %d | %.0f | %d | %.2f | %.1f | %.1f | %.2f |",
                id,
                title,
                d.opsPerSecond(),
                d.micros().getValueAtPercentile(50),
                b.opsPerSecond(),
                b.micros().getValueAtPercentile(50),
                median,
                dCpuPerOp,
                bCpuPerOp,
                bCpuPerOp / dCpuPerOp);
        System.out.println(line);
        return line;
    }

    private static Result blocking(int ops, IntFunction<?> op) {
        Histogram h = new Histogram(3);
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            long t = System.nanoTime();
            op.apply(i);
            h.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
        }
        return new Result(ops, (System.nanoTime() - start) / 1e9, h, OS.getProcessCpuTime() - cpu);
    }

    /** {@link #THREAD_OPS} operations shared by {@link #THREADS} threads, each blocking on its own. */
    private static Result threads(IntFunction<?> op) throws InterruptedException {
        Histogram h = new Histogram(3);
        List<Thread> threads = new ArrayList<>();
        long cpu = OS.getProcessCpuTime();
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
        return new Result(THREAD_OPS, (System.nanoTime() - start) / 1e9, h, OS.getProcessCpuTime() - cpu);
    }

    /**
     * lettuce's cluster client used directly: its own {@link RedisClusterClient} and connection.
     * Two of them (the driver's and the noise row's) share the data keys; each has its own watch
     * and lock key ({@code name}).
     */
    private static final class Direct implements Side, AutoCloseable {
        private final RedisClusterClient client;
        private final StatefulRedisClusterConnection<String, byte[]> conn;
        private final RedisAdvancedClusterCommands<String, byte[]> sync;
        private final String name;
        private final AtomicLong tokens = new AtomicLong();
        private final String releaseSha;

        Direct(List<RedisURI> seeds, String name) {
            this.client = RedisClusterClient.create(seeds);
            this.conn = client.connect(CODEC);
            this.sync = conn.sync();
            this.name = name;
            this.releaseSha = sync.scriptLoad(RELEASE);
        }

        void seed() {
            for (int i = 0; i < LIST_KEYS; i++) {
                sync.set("bench/list/" + i, VALUE);
            }
            for (int i = 0; i < 10_000; i++) {
                sync.set("other/" + i, VALUE);
            }
            for (int i = 0; i < 1000; i++) {
                sync.set("bench/k" + i, VALUE);
            }
        }

        @Override
        public Workload workload(String id) {
            return switch (id) {
                case "put-1t" -> () -> blocking(BLOCKING_OPS, i -> sync.set("bench/k" + (i % 1000), VALUE));
                case "get-1t" -> () -> blocking(BLOCKING_OPS, i -> sync.get("bench/k" + (i % 1000)));
                case "put-16t" -> () -> threads(i -> sync.set("bench/k" + (i % 1000), VALUE));
                case "get-16t" -> () -> threads(i -> sync.get("bench/k" + (i % 1000)));
                case "list" -> () -> blocking(LISTS, i -> check(list("bench/list/")));
                case "watch" -> this::watch;
                case "lock" -> () -> blocking(LOCK_CYCLES, i -> lockCycle());
                default -> throw new IllegalArgumentException(id);
            };
        }

        private Object lockCycle() {
            String key = "bench/native-lock-" + name;
            byte[] token = Long.toString(tokens.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
            if (!"OK".equals(sync.set(key, token, SetArgs.Builder.nx().px(10_000)))) {
                throw new IllegalStateException("lock not acquired");
            }
            Long released = sync.evalsha(releaseSha, ScriptOutputType.INTEGER, new String[] {key}, token);
            if (released == null || released != 1L) {
                throw new IllegalStateException("lock not released");
            }
            return null;
        }

        /** What a careful lettuce user writes: SCAN MATCH on every master, then pipelined GETs. */
        private Map<String, byte[]> list(String prefix) {
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

        /** Keyspace notifications from every master, then GET on a second connection, as the store does. */
        private Result watch() {
            String key = "bench/w" + name;
            sync.upstream().commands().configSet("notify-keyspace-events", "Kg$xe");
            SynchronousQueue<byte[]> seen = new SynchronousQueue<>();
            try (StatefulRedisClusterPubSubConnection<String, String> ps = client.connectPubSub();
                    StatefulRedisClusterConnection<String, byte[]> reader = client.connect(CODEC)) {
                ps.setNodeMessagePropagation(true);
                ps.addListener(new RedisPubSubAdapter<String, String>() {
                    @Override
                    public void message(String channel, String message) {
                        reader.async().get(key).thenAccept(v -> {
                            try {
                                seen.put(v);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                    }
                });
                ps.sync().upstream().commands().subscribe("__keyspace@0__:" + key);
                return blocking(WATCH_EVENTS, i -> {
                    sync.set(key, VALUE);
                    return take(seen);
                });
            }
        }

        @Override
        public void close() {
            client.shutdown(); // closes its connections too
        }
    }

    /** The same workloads through the Backend (path prefix {@code bench}: the same data keys). */
    private record BackendRows(Backend backend) implements Side {
        @Override
        public Workload workload(String id) {
            return switch (id) {
                case "put-1t" ->
                    () -> blocking(BLOCKING_OPS, i -> {
                        backend.put("k" + (i % 1000), VALUE);
                        return null;
                    });
                case "get-1t" -> () -> blocking(BLOCKING_OPS, i -> backend.get("k" + (i % 1000)));
                case "put-16t" ->
                    () -> threads(i -> {
                        backend.put("k" + (i % 1000), VALUE);
                        return null;
                    });
                case "get-16t" -> () -> threads(i -> backend.get("k" + (i % 1000)));
                case "list" -> () -> blocking(LISTS, i -> check(backend.list("list/")));
                case "watch" -> this::watch;
                case "lock" -> {
                    KvLock lock = backend.lock("lock");
                    yield () -> blocking(LOCK_CYCLES, i -> {
                        try (KvLockHandle held =
                                lock.tryAcquire(Duration.ofSeconds(5)).orElseThrow()) {
                            return held.fencingToken();
                        }
                    });
                }
                default -> throw new IllegalArgumentException(id);
            };
        }

        private Result watch() {
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
