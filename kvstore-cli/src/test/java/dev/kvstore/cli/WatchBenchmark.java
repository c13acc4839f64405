package dev.kvstore.cli;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvWatch;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.ZooKeeperServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Benchmark main (not a test) for watches without gaps, on memory, etcd, Redis and ZooKeeper
 * started on free loopback ports (arguments: the stores to run, default all). Per store it prints:
 * <ul>
 *   <li>put→event latency (p50/p99, 2,000 sequential puts) through a Backend watch with resync on
 *       (the default) against the store's raw watch ({@code KvStoreClient.watch}, three arguments);
 *   <li>a 2,000-key initial state through the Backend ({@code withInitialState(true)}: read, PUTs,
 *       SYNCED) against a plain {@code list} of the same keys;
 *   <li>resync convergence after a 10,000-key gap: a listener held while 10,000 keys are written
 *       (queue limit 100, so the queue overflows), then released; time from release to SYNCED.
 * </ul>
 * Ratios are raw / Backend (1.0 = no cost). Figures move 30-50 % between runs on a shared machine.
 */
public final class WatchBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private WatchBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args ignored
     */
    public static void main(String[] args) throws Exception {
        List<String> wanted = args.length == 0 ? List.of("memory", "etcd", "redis", "zookeeper") : List.of(args);
        System.out.printf(
                "%-10s %22s %22s %7s | %14s %14s %7s | %16s%n",
                "store",
                "watch p50/p99 raw ms",
                "Backend (resync) ms",
                "ratio",
                "list 2,000 ms",
                "initial ms",
                "ratio",
                "resync 10,000 ms");
        for (String store : wanted) {
            try (AutoCloseable server = switch (store) {
                case "etcd" -> EtcdServer.start();
                case "redis" -> RedisServer.start();
                case "zookeeper" -> ZooKeeperServer.start();
                default -> () -> {};
            }) {
                String address = server instanceof dev.kvstore.testing.TestServer t ? t.address() : "";
                try (Backend b = Backend.builder()
                        .storeType(store)
                        .address(address)
                        .timeout(TIMEOUT)
                        .pathPrefix("wbench")
                        .build()) {
                    run(store, b);
                }
            }
        }
    }

    private static void run(String store, Backend b) throws Exception {
        KvStoreClient c = b.client();
        String root = "wbench/";
        await(c.deleteWithPrefix(root));
        // warm-up
        latency(c, root + "warm/", false, 200);
        Histogram raw = latency(c, root + "raw/", false, 2_000);
        Histogram backend = latency(c, root + "gf/", true, 2_000);

        for (int i = 0; i < 2_000; i++) {
            b.putAsync("init/k" + i, "v" + i).join();
        }
        long listNanos = Long.MAX_VALUE;
        long initialNanos = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            int n = b.list("init/").size();
            listNanos = Math.min(listNanos, System.nanoTime() - t0);
            CountDownLatch synced = new CountDownLatch(1);
            AtomicInteger puts = new AtomicInteger();
            t0 = System.nanoTime();
            KvWatch w = b.createWatch(
                    "init/",
                    true,
                    e -> {
                        if (e.type() == EventType.PUT) {
                            puts.incrementAndGet();
                        } else if (e.type() == EventType.SYNCED) {
                            synced.countDown();
                        }
                    },
                    WatchOptions.defaults().withInitialState(true));
            synced.await(60, TimeUnit.SECONDS);
            initialNanos = Math.min(initialNanos, System.nanoTime() - t0);
            w.close();
            if (puts.get() != n) {
                throw new IllegalStateException(
                        store + ": initial state gave " + puts.get() + " PUTs for " + n + " keys");
            }
        }

        long resyncNanos = resync(b);
        await(c.deleteWithPrefix(root));
        double ms = 1e6;
        System.out.printf(
                "%-10s %10.2f / %9.2f %10.2f / %9.2f %7.2f | %14.1f %14.1f %7.2f | %16.0f%n",
                store,
                raw.getValueAtPercentile(50) / ms,
                raw.getValueAtPercentile(99) / ms,
                backend.getValueAtPercentile(50) / ms,
                backend.getValueAtPercentile(99) / ms,
                (double) raw.getValueAtPercentile(50) / backend.getValueAtPercentile(50),
                listNanos / ms,
                initialNanos / ms,
                (double) listNanos / initialNanos,
                resyncNanos / ms);
    }

    /** Sequential puts, each timed from just before the put to its event. */
    private static Histogram latency(KvStoreClient c, String prefix, boolean gapFree, int puts) throws Exception {
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        Consumer<KvEvent> listener = e -> {
            if (e.type() == EventType.PUT) {
                arrivals.add(System.nanoTime());
            }
        };
        KvWatch w = gapFree
                ? await(c.watch(prefix, true, listener, WatchOptions.defaults()))
                : await(c.watch(prefix, true, listener));
        Histogram h = new Histogram(3);
        try {
            for (int i = 0; i < puts; i++) {
                long t0 = System.nanoTime();
                await(c.put(prefix + "k" + (i % 50), ("v" + i).getBytes(StandardCharsets.UTF_8)));
                Long at = arrivals.poll(10, TimeUnit.SECONDS);
                if (at == null) {
                    throw new IllegalStateException("no event for put " + i);
                }
                h.recordValue(Math.max(1, at - t0));
            }
        } finally {
            w.close();
        }
        return h;
    }

    /** A listener held while 10,000 keys are written past a queue of 100; time from release to SYNCED. */
    private static long resync(Backend b) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch synced = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        KvWatch w = b.createWatch(
                "gap/",
                true,
                e -> {
                    if (first.compareAndSet(true, false)) {
                        try {
                            release.await();
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (e.type() == EventType.PUT) {
                        seen.add(e.key());
                    } else if (e.type() == EventType.SYNCED && seen.size() == 10_000) {
                        synced.countDown(); // the view holds every key written during the gap
                    }
                },
                WatchOptions.defaults().withQueueLimit(100));
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            inFlight.add(b.putAsync("gap/k" + i, "v" + i));
            if (inFlight.size() == 256) {
                inFlight.forEach(CompletableFuture::join);
                inFlight.clear();
            }
        }
        inFlight.forEach(CompletableFuture::join);
        long t0 = System.nanoTime();
        release.countDown();
        if (!synced.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no SYNCED within 120 s after the gap");
        }
        long took = System.nanoTime() - t0;
        w.close();
        return took;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
