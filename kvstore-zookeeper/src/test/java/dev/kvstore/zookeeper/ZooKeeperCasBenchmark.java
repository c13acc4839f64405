package dev.kvstore.zookeeper;

import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.ZooKeeperServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * CAS increments of one counter: a read–compare-and-set retry loop through {@link Backend}
 * ({@code get} + {@code compareAndSet}) against Curator used directly ({@code getData} with its
 * {@link Stat} + {@code setData().withVersion}), with 1 and 16 contending threads, on one
 * in-process ZooKeeper started here. Not a test; prints a table with the ratio. Run from the
 * repository root:
 *
 * <pre>
 * ./mvnw -q -o -pl kvstore-zookeeper -am test-compile \
 *     org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
 *     -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp kvstore-zookeeper/target/test-classes:kvstore-zookeeper/target/classes:$(cat kvstore-zookeeper/target/bench.cp) \
 *     dev.kvstore.zookeeper.ZooKeeperCasBenchmark
 * </pre>
 *
 * Rounds of Curator and Backend alternate, so that load changes on a shared machine hit both.
 */
public final class ZooKeeperCasBenchmark {

    private static final int ROUNDS = 3;

    private ZooKeeperCasBenchmark() {}

    /**
     * Runs the workloads and prints the table.
     *
     * @param args optional: increments per round with 1 thread (default 1500)
     * @throws Exception if ZooKeeper cannot start or a workload fails
     */
    public static void main(String[] args) throws Exception {
        int increments = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        try (ZooKeeperServer zk = ZooKeeperServer.start();
                CuratorFramework curator = CuratorFrameworkFactory.builder()
                        .connectString(zk.address())
                        .retryPolicy(new RetryUntilElapsed(10_000, 50))
                        .build();
                Backend backend = Backend.create("zookeeper", zk.address(), Duration.ofSeconds(10), "cas")) {
            curator.start();
            curator.blockUntilConnected();
            curator.create().creatingParentsIfNeeded().forPath("/curator/cas/counter", bytes(0));
            backend.put("counter", bytes(0));
            AsyncCuratorFramework async = AsyncCuratorFramework.wrap(curator);
            System.out.println(
                    "| threads | Curator sync API (ops/s) | Curator async API, joined (ops/s) | Backend (ops/s)"
                            + " | ratio Backend/Curator sync | ratio Backend/Curator async |");
            System.out.println("|---|---|---|---|---|---|");
            for (int threads : new int[] {1, 16}) {
                double c = 0;
                double a = 0;
                double b = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    c += run(threads, increments, () -> curatorIncrement(curator, "/curator/cas/counter"));
                    a += run(threads, increments, () -> asyncIncrement(async, "/curator/cas/counter"));
                    b += run(threads, increments, () -> backendIncrement(backend, "counter"));
                }
                System.out.printf(
                        Locale.ROOT,
                        "| %d | %,.0f | %,.0f | %,.0f | %.2f | %.2f |%n",
                        threads,
                        c / ROUNDS,
                        a / ROUNDS,
                        b / ROUNDS,
                        b / c,
                        b / a);
            }
            long cFinal = Long.parseLong(
                    new String(curator.getData().forPath("/curator/cas/counter"), StandardCharsets.US_ASCII));
            long bFinal = Long.parseLong(backend.get("counter").orElseThrow().valueAsString());
            long expected = (long) ROUNDS * 2 * increments;
            if (cFinal != 2 * expected || bFinal != expected) {
                throw new AssertionError("lost increments: curator " + cFinal + " (expected " + 2 * expected
                        + "), backend " + bFinal + " (expected " + expected + ")");
            }
            System.out.println("final counters: " + cFinal + " and " + bFinal + " (no increment lost)");
            // Where the time of one uncontended increment goes: each step alone, 1 thread.
            System.out.println();
            System.out.println("| step alone, 1 thread | ops/s |");
            System.out.println("|---|---|");
            Stat stat = new Stat();
            curator.getData().storingStatIn(stat).forPath("/curator/cas/counter");
            int[] version = {stat.getVersion()};
            long[] backendVersion = {backend.get("counter").orElseThrow().version()};
            step("Curator sync getData", increments, () -> curator.getData().forPath("/curator/cas/counter"));
            step(
                    "Curator sync setData withVersion",
                    increments,
                    () -> curator.setData().withVersion(version[0]++).forPath("/curator/cas/counter", bytes(1)));
            step("Backend get", increments, () -> backend.get("counter"));
            step("Backend compareAndSet (right version)", increments, () -> {
                if (!backend.compareAndSet("counter", backendVersion[0]++, bytes(1))) {
                    throw new AssertionError("compareAndSet failed");
                }
                return null;
            });
            step("Backend put", increments, () -> {
                backend.put("counter", bytes(1));
                return null;
            });
        }
    }

    private static void step(String name, int n, Callable<?> step) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            step.call();
        }
        System.out.printf(Locale.ROOT, "| %s | %,.0f |%n", name, n / ((System.nanoTime() - start) / 1e9));
    }

    /** {@code total} increments shared by {@code threads} threads; returns increments per second. */
    private static double run(int threads, int total, Callable<Void> increment) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> all = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int share = total / threads + (t < total % threads ? 1 : 0);
                all.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        increment.call();
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Void curatorIncrement(CuratorFramework curator, String path) throws Exception {
        while (true) {
            Stat stat = new Stat();
            long n = Long.parseLong(
                    new String(curator.getData().storingStatIn(stat).forPath(path), StandardCharsets.US_ASCII));
            try {
                curator.setData().withVersion(stat.getVersion()).forPath(path, bytes(n + 1));
                return null;
            } catch (KeeperException.BadVersionException e) {
                // someone else won: read again
            }
        }
    }

    /** The same loop on Curator's asynchronous API, each call joined: replies come through ZooKeeper's event thread. */
    private static Void asyncIncrement(AsyncCuratorFramework async, String path) {
        while (true) {
            Stat stat = new Stat();
            long n = Long.parseLong(new String(
                    async.getData()
                            .storingStatIn(stat)
                            .forPath(path)
                            .toCompletableFuture()
                            .join(),
                    StandardCharsets.US_ASCII));
            try {
                async.setData()
                        .withVersion(stat.getVersion())
                        .forPath(path, bytes(n + 1))
                        .toCompletableFuture()
                        .join();
                return null;
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof KeeperException.BadVersionException)) {
                    throw e;
                }
            }
        }
    }

    private static Void backendIncrement(Backend backend, String key) {
        while (true) {
            KvPair pair = backend.get(key).orElseThrow();
            long n = Long.parseLong(pair.valueAsString());
            if (backend.compareAndSet(key, pair.version(), bytes(n + 1))) {
                return null;
            }
        }
    }

    private static byte[] bytes(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
