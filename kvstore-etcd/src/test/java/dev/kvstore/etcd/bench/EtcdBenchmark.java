package dev.kvstore.etcd.bench;

import dev.kvstore.EventType;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Measures, on one etcd in one run, jetcd used directly (its defaults) and the same work through
 * {@link Backend} (storeType etcd): blocking put and get from one thread, asynchronous put and get
 * with 128 in flight, list of a 1,000-key prefix, and watch put-to-event latency. Prints ops/s,
 * p50/p99, client CPU per operation and the ratio of throughputs Backend/driver. Not a test: run it with
 *
 * <pre>mvn -q -pl kvstore-etcd -am test-compile -Petcd-benchmark</pre>
 *
 * <p>{@code -Dbench.seconds=N} sets the measured time per workload (default 3, after 1 s of warm-up);
 * {@code -Dbench.rounds=N} how many alternating rounds (default 2; each side's best round is shown,
 * since other processes on a shared machine move single rounds by 30 % or more).
 */
public final class EtcdBenchmark {

    private static final int IN_FLIGHT = 128;
    private static final com.sun.management.OperatingSystemMXBean CPU = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private static final int LIST_KEYS = 1_000;
    private static final byte[] VALUE = "benchmark-value-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private final Duration measured;
    private final Duration warmup = Duration.ofSeconds(1);
    private final int rounds = Integer.getInteger("bench.rounds", 2);
    private final List<String> rows = new ArrayList<>();

    private EtcdBenchmark(Duration measured) {
        this.measured = measured;
    }

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args ignored
     * @throws Exception if a workload fails
     */
    public static void main(String[] args) throws Exception {
        Duration measured = Duration.ofSeconds(Long.getLong("bench.seconds", 3));
        new EtcdBenchmark(measured).run();
        System.exit(0);
    }

    /** The operations a workload needs, for either side. */
    private interface Target {
        void put(String key, byte[] value) throws Exception;

        void get(String key) throws Exception;

        CompletableFuture<?> putAsync(String key, byte[] value);

        CompletableFuture<?> getAsync(String key);

        int list(String prefix) throws Exception;

        AutoCloseable watch(String prefix, Consumer<byte[]> onPutValue) throws Exception;
    }

    private void run() throws Exception {
        try (EtcdServer etcd = EtcdServer.start();
                Client jetcd =
                        Client.builder().endpoints("http://" + etcd.address()).build();
                Backend backend = Backend.create("etcd", etcd.address(), Duration.ofSeconds(10), "bench")) {
            Target driver = driver(jetcd);
            Target facade = facade(backend);
            System.out.printf(
                    Locale.ROOT,
                    "etcd %s; %d s per workload after %d s warm-up, best of %d alternating rounds;"
                            + " %d cores, load average %.1f%n",
                    etcd.address(),
                    measured.toSeconds(),
                    warmup.toSeconds(),
                    rounds,
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());

            compare(
                    "blocking put, 1 thread",
                    driver,
                    facade,
                    (t, h, until) -> blocking(until, h, i -> t.put("raw/p/" + (i % 1000), VALUE)));
            compare(
                    "blocking get, 1 thread",
                    driver,
                    facade,
                    (t, h, until) -> blocking(until, h, i -> t.get("raw/p/" + (i % 1000))));
            compare(
                    "async put, 128 in flight",
                    driver,
                    facade,
                    (t, h, until) -> async(until, h, i -> t.putAsync("raw/p/" + (i % 1000), VALUE)));
            compare(
                    "async get, 128 in flight",
                    driver,
                    facade,
                    (t, h, until) -> async(until, h, i -> t.getAsync("raw/p/" + (i % 1000))));
            for (int i = 0; i < LIST_KEYS; i++) {
                backend.put(String.format(Locale.ROOT, "raw/list/%04d", i), VALUE);
                jetcd.getKVClient()
                        .put(bytes(String.format(Locale.ROOT, "raw/list/%04d", i)), ByteSequence.from(VALUE))
                        .get();
            }
            compare(
                    "list 1,000 keys",
                    driver,
                    facade,
                    (t, h, until) -> blocking(until, h, i -> {
                        int n = t.list("raw/list/");
                        if (n != LIST_KEYS) {
                            throw new IllegalStateException("listed " + n + " keys");
                        }
                    }));
            compare("watch put->event", driver, facade, EtcdBenchmark::watchLatency);
        }
        System.out.println();
        System.out.println(
                "driver = jetcd 0.8.5 with its defaults; cpu = this JVM's CPU time per operation (etcd excluded)");
        System.out.printf(
                Locale.ROOT,
                "%-26s | %9s %8s %8s %7s | %9s %8s %8s %7s | %6s%n",
                "workload",
                "drv op/s",
                "p50 us",
                "p99 us",
                "cpu us",
                "Bknd op/s",
                "p50 us",
                "p99 us",
                "cpu us",
                "ratio");
        System.out.println("-".repeat(26) + "-+-" + "-".repeat(35) + "-+-" + "-".repeat(35) + "-+-------");
        rows.forEach(System.out::println);
    }

    @FunctionalInterface
    private interface Workload {
        long run(Target target, Histogram histogram, long untilNanos) throws Exception;
    }

    @FunctionalInterface
    private interface Op {
        void run(long i) throws Exception;
    }

    @FunctionalInterface
    private interface AsyncOp {
        CompletableFuture<?> start(long i);
    }

    /** Alternates driver and Backend for {@code rounds} rounds and keeps each side's best round. */
    private void compare(String name, Target driver, Target facade, Workload workload) throws Exception {
        double[] d = null;
        double[] b = null;
        for (int round = 0; round < rounds; round++) {
            d = best(d, measure(driver, workload));
            b = best(b, measure(facade, workload));
        }
        rows.add(String.format(
                Locale.ROOT,
                "%-26s | %9.0f %8.0f %8.0f %7.0f | %9.0f %8.0f %8.0f %7.0f | %6.2f",
                name,
                d[0],
                d[1],
                d[2],
                d[3],
                b[0],
                b[1],
                b[2],
                b[3],
                b[0] / d[0]));
        System.out.println(rows.get(rows.size() - 1));
    }

    private static double[] best(double[] a, double[] b) {
        return a == null || b[0] > a[0] ? b : a;
    }

    /** Returns ops/s, p50 µs, p99 µs. */
    private double[] measure(Target target, Workload workload) throws Exception {
        workload.run(target, new ConcurrentHistogram(3), System.nanoTime() + warmup.toNanos());
        Histogram h = new ConcurrentHistogram(3);
        long cpu0 = CPU.getProcessCpuTime();
        long start = System.nanoTime();
        long ops = workload.run(target, h, start + measured.toNanos());
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicrosPerOp = (CPU.getProcessCpuTime() - cpu0) / 1e3 / ops;
        return new double[] {
            ops / seconds, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, cpuMicrosPerOp
        };
    }

    private static long blocking(long untilNanos, Histogram h, Op op) throws Exception {
        long i = 0;
        while (System.nanoTime() < untilNanos) {
            long t0 = System.nanoTime();
            op.run(i++);
            h.recordValue(System.nanoTime() - t0);
        }
        return i;
    }

    private static long async(long untilNanos, Histogram h, AsyncOp op) throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicLong failures = new AtomicLong();
        long i = 0;
        while (System.nanoTime() < untilNanos) {
            slots.acquire();
            long t0 = System.nanoTime();
            op.start(i++).whenComplete((r, e) -> {
                h.recordValue(System.nanoTime() - t0);
                if (e != null) {
                    failures.incrementAndGet();
                }
                slots.release();
            });
        }
        slots.acquire(IN_FLIGHT);
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " asynchronous operations failed");
        }
        return i;
    }

    /** Sequential: put a key whose value is the send time, wait for its event. */
    private static long watchLatency(Target target, Histogram h, long untilNanos) throws Exception {
        // never block the listener: the driver calls it on its event loop
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        try (AutoCloseable watch = target.watch("raw/w/", value -> {
            long sent = ByteBuffer.wrap(value).getLong();
            arrivals.offer(System.nanoTime() - sent);
        })) {
            // jetcd registers its watch asynchronously: wait until one event arrives before measuring
            while (true) {
                target.put(
                        "raw/w/key",
                        ByteBuffer.allocate(8).putLong(System.nanoTime()).array());
                if (arrivals.poll(1, TimeUnit.SECONDS) != null) {
                    break;
                }
            }
            while (arrivals.poll(200, TimeUnit.MILLISECONDS) != null) {
                // drain late warm-up events
            }
            long i = 0;
            while (System.nanoTime() < untilNanos) {
                target.put(
                        "raw/w/key",
                        ByteBuffer.allocate(8).putLong(System.nanoTime()).array());
                Long latency = arrivals.poll(10, TimeUnit.SECONDS);
                if (latency == null) {
                    throw new IllegalStateException("watch event did not arrive");
                }
                h.recordValue(latency);
                i++;
            }
            return i;
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static byte[] valueOf(GetResponse response) {
        return response.getKvs().isEmpty()
                ? new byte[0]
                : response.getKvs().get(0).getValue().getBytes();
    }

    /** jetcd with its defaults, keys as given; values are read out as a user would. */
    private static Target driver(Client client) {
        KV kv = client.getKVClient();
        Watch watch = client.getWatchClient();
        return new Target() {
            @Override
            public void put(String key, byte[] value) throws Exception {
                kv.put(bytes(key), ByteSequence.from(value)).get();
            }

            @Override
            public void get(String key) throws Exception {
                valueOf(kv.get(bytes(key)).get());
            }

            @Override
            public CompletableFuture<?> putAsync(String key, byte[] value) {
                return kv.put(bytes(key), ByteSequence.from(value));
            }

            @Override
            public CompletableFuture<?> getAsync(String key) {
                return kv.get(bytes(key)).thenApply(r -> valueOf(r));
            }

            @Override
            public int list(String prefix) throws Exception {
                // what a user of the driver does with a listing: keys as strings, values as bytes
                Map<String, byte[]> result = new LinkedHashMap<>();
                for (KeyValue kv : kv.get(
                                bytes(prefix),
                                GetOption.builder().isPrefix(true).build())
                        .get()
                        .getKvs()) {
                    result.put(
                            kv.getKey().toString(StandardCharsets.UTF_8),
                            kv.getValue().getBytes());
                }
                return result.size();
            }

            @Override
            public AutoCloseable watch(String prefix, Consumer<byte[]> onPutValue) {
                Watch.Watcher w = watch.watch(
                        bytes(prefix), WatchOption.builder().isPrefix(true).build(), response -> {
                            for (WatchEvent e : response.getEvents()) {
                                if (e.getEventType() == WatchEvent.EventType.PUT) {
                                    onPutValue.accept(e.getKeyValue().getValue().getBytes());
                                }
                            }
                        });
                return w::close;
            }
        };
    }

    /** The Backend, whose path prefix "bench" makes the same relative keys. */
    private static Target facade(Backend backend) {
        return new Target() {
            @Override
            public void put(String key, byte[] value) {
                backend.put(key, value);
            }

            @Override
            public void get(String key) {
                backend.get(key);
            }

            @Override
            public CompletableFuture<?> putAsync(String key, byte[] value) {
                return backend.putAsync(key, value);
            }

            @Override
            public CompletableFuture<?> getAsync(String key) {
                return backend.getAsync(key);
            }

            @Override
            public int list(String prefix) {
                return backend.list(prefix).size();
            }

            @Override
            public AutoCloseable watch(String prefix, Consumer<byte[]> onPutValue) {
                KvWatch w = backend.createWatch(prefix, true, e -> {
                    if (e.type() == EventType.PUT) {
                        onPutValue.accept(e.value());
                    }
                });
                return w::close;
            }
        };
    }
}
