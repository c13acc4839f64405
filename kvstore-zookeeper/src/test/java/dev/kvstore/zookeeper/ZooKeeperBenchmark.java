package dev.kvstore.zookeeper;

import dev.kvstore.KvEvent;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.ZooKeeperServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * Compares the {@code zookeeper} store through {@link Backend} with Curator used directly, on one
 * in-process ZooKeeper started here. Not a test; prints a table. Run from the repository root:
 *
 * <pre>
 * ./mvnw -q -o -pl kvstore-zookeeper -am test-compile \
 *     org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
 *     -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp kvstore-zookeeper/target/test-classes:kvstore-zookeeper/target/classes:$(cat kvstore-zookeeper/target/bench.cp) \
 *     dev.kvstore.zookeeper.ZooKeeperBenchmark
 * </pre>
 *
 * Figures move 30–50 % between runs on a shared 2-core machine: read the ratio of one run.
 */
public final class ZooKeeperBenchmark {

    private static final byte[] VALUE = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
    private static final int KEYS = 100;
    private static final int LIST_KEYS = 1000;
    private static final int IN_FLIGHT = 128;

    private ZooKeeperBenchmark() {}

    /**
     * Runs every workload once against Curator and once against the Backend and prints the table.
     *
     * @param args ignored
     * @throws Exception if ZooKeeper cannot start or a workload fails
     */
    public static void main(String[] args) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (ZooKeeperServer zk = ZooKeeperServer.start();
                CuratorFramework curator = CuratorFrameworkFactory.builder()
                        .connectString(zk.address())
                        .retryPolicy(new RetryUntilElapsed(5000, 50))
                        .build();
                Backend backend = Backend.create("zookeeper", zk.address(), Duration.ofSeconds(10), "bench")) {
            curator.start();
            curator.blockUntilConnected();
            AsyncCuratorFramework async = AsyncCuratorFramework.wrap(curator);
            String cBase = "/curator/bench/";
            for (int i = 0; i < KEYS; i++) {
                curator.create().creatingParentsIfNeeded().forPath(cBase + "k" + i, VALUE);
                backend.put("k" + i, VALUE);
            }
            for (int i = 0; i < LIST_KEYS; i++) {
                curator.create().creatingParentsIfNeeded().forPath(cBase + "list/item" + i, VALUE);
                backend.put("list/item" + i, VALUE);
            }

            rows.add(compare(
                    "blocking put, 1 thread",
                    3000,
                    i -> blocking(() -> curator.setData().forPath(cBase + "k" + (i % KEYS), VALUE)),
                    i -> blocking(() -> backend.put("k" + (i % KEYS), VALUE))));
            rows.add(compare(
                    "blocking get, 1 thread",
                    5000,
                    i -> blocking(() -> curator.getData().forPath(cBase + "k" + (i % KEYS))),
                    i -> blocking(() -> backend.get("k" + (i % KEYS)))));
            rows.add(compareAsync(
                    "async put, 128 in flight",
                    20000,
                    i -> async.setData().forPath(cBase + "k" + (i % KEYS), VALUE),
                    i -> backend.putAsync("k" + (i % KEYS), VALUE)));
            rows.add(compareAsync(
                    "async get, 128 in flight",
                    30000,
                    i -> async.getData().forPath(cBase + "k" + (i % KEYS)),
                    i -> backend.getAsync("k" + (i % KEYS))));
            rows.add(compare(
                    "list a 1,000-key prefix (Curator: getData per child, all at once)",
                    42,
                    i -> blocking(() -> curatorList(async, cBase + "list")),
                    i -> blocking(() -> {
                        if (backend.list("list/").size() != LIST_KEYS) {
                            throw new AssertionError("list returned the wrong number of keys");
                        }
                    })));
            rows.add(compare(
                    "list a 1,000-key prefix (Curator: read-only multis of 32 reads)",
                    42,
                    i -> blocking(() -> curatorMultiList(curator, cBase + "list")),
                    i -> blocking(() -> {
                        if (backend.list("list/").size() != LIST_KEYS) {
                            throw new AssertionError("list returned the wrong number of keys");
                        }
                    })));
            rows.add(watchLatency(curator, async, backend, cBase));
        }
        print(rows);
    }

    /** Curator's own way: the children, then every child's data at once. */
    private static void curatorList(AsyncCuratorFramework async, String parent) throws Exception {
        List<String> children =
                async.getChildren().forPath(parent).toCompletableFuture().get();
        List<CompletableFuture<byte[]>> reads = new ArrayList<>(children.size());
        for (String c : children) {
            reads.add(async.getData().forPath(parent + "/" + c).toCompletableFuture());
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get();
        if (reads.size() != LIST_KEYS) {
            throw new AssertionError("curator list returned the wrong number of keys");
        }
    }

    /** The children, then their data with read-only multis of 32 reads, all sent at once. */
    private static void curatorMultiList(CuratorFramework curator, String parent) throws Exception {
        org.apache.zookeeper.ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
        List<String> children = zk.getChildren(parent, false);
        List<CompletableFuture<Integer>> batches = new ArrayList<>();
        for (int from = 0; from < children.size(); from += 32) {
            List<org.apache.zookeeper.Op> ops = new ArrayList<>();
            for (String c : children.subList(from, Math.min(children.size(), from + 32))) {
                ops.add(org.apache.zookeeper.Op.getData(parent + "/" + c));
            }
            CompletableFuture<Integer> f = new CompletableFuture<>();
            zk.multi(ops, (rc, p, ctx, results) -> f.complete(results == null ? 0 : results.size()), null);
            batches.add(f);
        }
        int n = 0;
        for (CompletableFuture<Integer> b : batches) {
            n += b.get();
        }
        if (n != LIST_KEYS) {
            throw new AssertionError("curator multi list returned the wrong number of keys");
        }
    }

    private interface Op {
        void run() throws Exception;
    }

    private static Runnable blocking(Op op) {
        return () -> {
            try {
                op.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Alternates Curator and Backend rounds, so that a change in the machine's load hits both alike. */
    private static final int ROUNDS = 3;

    private static String[] compare(
            String name, int ops, IntFunction<Runnable> curator, IntFunction<Runnable> backend) {
        Result c = null;
        Result b = null;
        for (int r = 0; r < ROUNDS; r++) {
            c = Result.merge(c, runBlocking(ops / ROUNDS, curator));
            b = Result.merge(b, runBlocking(ops / ROUNDS, backend));
        }
        return row(name, c, b);
    }

    private static Result runBlocking(int ops, IntFunction<Runnable> op) {
        for (int i = 0; i < Math.max(5, ops / 10); i++) { // warm-up
            op.apply(i).run();
        }
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            long t = System.nanoTime();
            op.apply(i).run();
            h.recordValue(System.nanoTime() - t);
        }
        return new Result(ops, System.nanoTime() - start, h);
    }

    private static String[] compareAsync(
            String name, int ops, IntFunction<CompletionStage<?>> curator, IntFunction<CompletionStage<?>> backend)
            throws InterruptedException {
        Result c = null;
        Result b = null;
        for (int r = 0; r < ROUNDS; r++) {
            c = Result.merge(c, runAsync(ops / ROUNDS, curator));
            b = Result.merge(b, runAsync(ops / ROUNDS, backend));
        }
        return row(name, c, b);
    }

    private static Result runAsync(int ops, IntFunction<CompletionStage<?>> op) throws InterruptedException {
        runAsyncOnce(ops / 5, op, null); // warm-up
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long start = System.nanoTime();
        runAsyncOnce(ops, op, h);
        return new Result(ops, System.nanoTime() - start, h);
    }

    private static void runAsyncOnce(int ops, IntFunction<CompletionStage<?>> op, Histogram h)
            throws InterruptedException {
        Semaphore window = new Semaphore(IN_FLIGHT);
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < ops; i++) {
            window.acquire();
            long t = System.nanoTime();
            op.apply(i).whenComplete((v, e) -> {
                if (h != null) {
                    synchronized (h) {
                        h.recordValue(System.nanoTime() - t);
                    }
                }
                if (e != null) {
                    errors.add(e);
                }
                window.release();
            });
        }
        window.acquire(IN_FLIGHT);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.size() + " operations failed", errors.get(0));
        }
    }

    /** Time from the start of a put to the watch's listener holding the new value. */
    private static String[] watchLatency(
            CuratorFramework curator, AsyncCuratorFramework async, Backend backend, String cBase) throws Exception {
        int n = 500;
        ConcurrentHashMap<String, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
        Consumer<String> seen = value -> {
            CompletableFuture<Long> f = waiting.get(value);
            if (f != null) {
                f.complete(System.nanoTime());
            }
        };
        Watcher watcher = (WatchedEvent e) -> {
            if (e.getType() == Watcher.Event.EventType.NodeDataChanged) {
                async.getData()
                        .forPath(e.getPath())
                        .thenAccept(d -> seen.accept(new String(d, StandardCharsets.UTF_8)));
            }
        };
        async.addWatch()
                .withMode(AddWatchMode.PERSISTENT_RECURSIVE)
                .usingWatcher(watcher)
                .forPath(cBase + "w")
                .toCompletableFuture()
                .get();
        curator.create().creatingParentsIfNeeded().forPath(cBase + "w/key", VALUE);
        Result c = watchRun(
                n,
                waiting,
                i -> blocking(
                        () -> curator.setData().forPath(cBase + "w/key", ("v" + i).getBytes(StandardCharsets.UTF_8))));
        backend.put("w/key", VALUE);
        backend.createWatch("w/", true, (KvEvent e) -> seen.accept(e.valueAsString()));
        Result b = watchRun(n, waiting, i -> blocking(() -> backend.put("w/key", "v" + i)));
        return row("watch put→event", c, b);
    }

    private static Result watchRun(
            int n, ConcurrentHashMap<String, CompletableFuture<Long>> waiting, IntFunction<Runnable> put)
            throws Exception {
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long start = System.nanoTime();
        for (int i = -n / 5; i < n; i++) { // negative i: warm-up
            int id = i + 1_000_000 * (waiting.size() + 1);
            CompletableFuture<Long> f = new CompletableFuture<>();
            waiting.put("v" + id, f);
            long t = System.nanoTime();
            put.apply(id).run();
            long at = f.get(10, TimeUnit.SECONDS);
            if (i >= 0) {
                h.recordValue(at - t);
            }
        }
        return new Result(n, System.nanoTime() - start, h);
    }

    private record Result(int ops, long nanos, Histogram latency) {
        static Result merge(Result a, Result b) {
            if (a == null) {
                return b;
            }
            Histogram h = a.latency.copy();
            h.add(b.latency);
            return new Result(a.ops + b.ops, a.nanos + b.nanos, h);
        }

        double opsPerSecond() {
            return ops * 1e9 / nanos;
        }
    }

    private static String[] row(String name, Result curator, Result backend) {
        String[] r = {
            name,
            fmt(curator),
            fmt(backend),
            String.format(Locale.ROOT, "%.2f", backend.opsPerSecond() / curator.opsPerSecond()),
            String.format(
                    Locale.ROOT,
                    "%.2f",
                    ms(curator.latency().getValueAtPercentile(50))
                            / Math.max(1e-9, ms(backend.latency().getValueAtPercentile(50))))
        };
        System.out.println(String.join(" | ", r));
        return r;
    }

    private static String fmt(Result r) {
        return String.format(
                Locale.ROOT,
                "%,.0f ops/s; p50 %.3f ms, p99 %.3f ms",
                r.opsPerSecond(),
                ms(r.latency().getValueAtPercentile(50)),
                ms(r.latency().getValueAtPercentile(99)));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void print(List<String[]> rows) {
        System.out.println();
        System.out.println(
                "| workload | Curator directly | Backend (zookeeper store) | ratio ops/s | ratio p50 (Curator/Backend) |");
        System.out.println("|---|---|---|---|---|");
        for (String[] r : rows) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
    }
}
