package dev.kvstore.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The workloads, each written once against {@link Side}. A run measures wall time and this
 * process's CPU time (every thread: the caller's, the driver's event loops and executors; the
 * servers run in processes of their own) from the moment the workload is ready to its end.
 *
 * <p>Threads: {@link #run} is called from the benchmark's main thread; the multi-threaded
 * workloads start their own threads and join them before returning; the asynchronous and watch
 * workloads are completed on the drivers' threads, which only release a permit or offer to a queue.
 */
enum Workload {
    GET_1T("get-1t", "get, 1 thread"),
    PUT_1T("put-1t", "put, 1 thread"),
    GET_16T("get-16t", "get, 16 threads"),
    PUT_16T("put-16t", "put, 16 threads"),
    PUT_ASYNC("put-async", "async put, 128 in flight"),
    GET_ASYNC("get-async", "async get, 128 in flight"),
    LIST("list", "list 1,000 keys"),
    WATCH("watch", "watch put→event"),
    WATCH_INITIAL("watch-initial", "watch with initial state, 1,000 keys"),
    CAS("cas", "CAS: get + put if version"),
    CAS_16T("cas-16t", "CAS increment, 16 contending threads"),
    LOCK("lock", "lock acquire + release");

    /** Keys {@code p/0000}…{@code p/0999}, read and written by the get/put workloads. */
    static final int KEYS = 1_000;

    /** Keys under {@code list/}. */
    static final int LIST_KEYS = 1_000;

    static final byte[] VALUE = "benchmark-value-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static final int IN_FLIGHT = 128;
    private static final String[] KEY_NAMES = new String[KEYS];

    static {
        for (int i = 0; i < KEYS; i++) {
            KEY_NAMES[i] = String.format(Locale.ROOT, "p/%04d", i);
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final String id;
    private final String title;

    Workload(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** The name used in {@code -Dbench.workloads}. */
    String id() {
        return id;
    }

    /** The name printed in the table. */
    String title() {
        return title;
    }

    /** The workload whose id is {@code id}. */
    static Workload byId(String id) {
        return Arrays.stream(values())
                .filter(w -> w.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workload " + id + "; known: "
                        + Arrays.stream(values()).map(Workload::id).toList()));
    }

    /** Writes what the workloads read: the keys, the listed keys, the counter, the watched key. */
    static void seed(Side side) throws Exception {
        for (String key : KEY_NAMES) {
            side.seed(key, VALUE);
        }
        for (int i = 0; i < LIST_KEYS; i++) {
            side.seed(String.format(Locale.ROOT, "list/%04d", i), VALUE);
        }
        side.seed("cas", "0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        side.seed("w/key", VALUE);
    }

    /** Operations done, wall time and process CPU time, both in nanoseconds. */
    record Sample(long ops, long nanos, long cpuNanos) {
        Sample plus(Sample other) {
            return new Sample(ops + other.ops, nanos + other.nanos, cpuNanos + other.cpuNanos);
        }

        double opsPerSecond() {
            return ops * 1e9 / nanos;
        }

        double cpuMicrosPerOp() {
            return cpuNanos / 1e3 / ops;
        }
    }

    /** Starts the clocks when the workload is ready. */
    private static final class Meter {
        private final long wall = System.nanoTime();
        private final long cpu = OS.getProcessCpuTime();

        Sample stop(long ops) {
            return new Sample(ops, System.nanoTime() - wall, OS.getProcessCpuTime() - cpu);
        }
    }

    /** Runs this workload on {@code side} for about {@code nanos}. */
    Sample run(Side side, long nanos) throws Exception {
        return switch (this) {
            case GET_1T -> threads(1, nanos, (t, i) -> side.get(KEY_NAMES[(int) (i % KEYS)]));
            case PUT_1T -> threads(1, nanos, (t, i) -> side.put(KEY_NAMES[(int) (i % KEYS)], VALUE));
            case GET_16T -> threads(16, nanos, (t, i) -> side.get(KEY_NAMES[(int) ((t * 61 + i) % KEYS)]));
            case PUT_16T -> threads(16, nanos, (t, i) -> side.put(KEY_NAMES[(int) ((t * 61 + i) % KEYS)], VALUE));
            case PUT_ASYNC -> async(nanos, i -> side.putAsync(KEY_NAMES[(int) (i % KEYS)], VALUE));
            case GET_ASYNC -> async(nanos, i -> side.getAsync(KEY_NAMES[(int) (i % KEYS)]));
            case LIST ->
                threads(1, nanos, (t, i) -> {
                    int n = side.list("list/");
                    if (n != LIST_KEYS) {
                        throw new IllegalStateException("listed " + n + " keys, not " + LIST_KEYS);
                    }
                });
            case WATCH -> watch(side, nanos);
            case WATCH_INITIAL ->
                threads(1, nanos, (t, i) -> {
                    int n = side.watchFromCurrentState("list/");
                    if (n != LIST_KEYS) {
                        throw new IllegalStateException("the initial state held " + n + " keys, not " + LIST_KEYS);
                    }
                });
            case CAS ->
                threads(1, nanos, (t, i) -> {
                    if (!side.casIncrement("cas")) {
                        throw new IllegalStateException("an uncontended compare-and-set lost");
                    }
                });
            case CAS_16T -> contendedIncrements(side, nanos);
            case LOCK -> threads(1, nanos, (t, i) -> side.lockCycle());
        };
    }

    /**
     * 16 threads increment one counter, each retrying a lost compare-and-set until it wins; an
     * operation is one increment that won. The counter must then have grown by exactly the number
     * of operations (a lost update fails the run).
     */
    private static Sample contendedIncrements(Side side, long nanos) throws Exception {
        long before = counter(side);
        Sample sample = threads(16, nanos, (t, i) -> {
            boolean won;
            do {
                won = side.casIncrement("cas");
            } while (!won);
        });
        long grown = counter(side) - before;
        if (grown != sample.ops()) {
            throw new IllegalStateException(
                    sample.ops() + " increments won, but the counter grew by " + grown + ": an update was lost");
        }
        return sample;
    }

    private static long counter(Side side) throws Exception {
        byte[] value = side.get("cas");
        return value == null || value.length == 0
                ? 0
                : Long.parseLong(new String(value, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @FunctionalInterface
    private interface Op {
        void run(int thread, long i) throws Exception;
    }

    @FunctionalInterface
    private interface AsyncOp {
        CompletionStage<?> start(long i);
    }

    /** {@code n} threads each calling {@code op} in a loop until the time is up. */
    private static Sample threads(int n, long nanos, Op op) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] counts = new long[n];
        Semaphore ready = new Semaphore(0);
        Semaphore go = new Semaphore(0);
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int thread = t;
            threads.add(new Thread(
                    () -> {
                        ready.release();
                        go.acquireUninterruptibly();
                        long end;
                        synchronized (deadline) {
                            end = deadline[0];
                        }
                        long i = 0;
                        try {
                            while (System.nanoTime() < end && failure.get() == null) {
                                op.run(thread, i++);
                            }
                            counts[thread] = i;
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    },
                    "bench-" + t));
        }
        threads.forEach(Thread::start);
        ready.acquire(n);
        Meter meter = new Meter();
        synchronized (deadline) {
            deadline[0] = System.nanoTime() + nanos;
        }
        go.release(n);
        for (Thread t : threads) {
            t.join();
        }
        Sample sample = meter.stop(Arrays.stream(counts).sum());
        rethrow(failure.get());
        return sample;
    }

    /** One thread starting operations, at most {@code IN_FLIGHT} outstanding, until the time is up. */
    private static Sample async(long nanos, AsyncOp op) throws Exception {
        Semaphore window = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Meter meter = new Meter();
        long end = System.nanoTime() + nanos;
        long i = 0;
        while (System.nanoTime() < end && failure.get() == null) {
            window.acquire();
            op.start(i++).whenComplete((v, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                window.release();
            });
        }
        window.acquire(IN_FLIGHT);
        Sample sample = meter.stop(i);
        rethrow(failure.get());
        return sample;
    }

    /** Sequential: put a fresh value, wait until the watch hands it over, repeat. */
    private static Sample watch(Side side, long nanos) throws Exception {
        BlockingQueue<byte[]> seen = new LinkedBlockingQueue<>();
        AutoCloseable watch = side.watch("w/", seen::offer);
        try {
            long n = 0;
            // a watch may register asynchronously: wait for a first event before measuring
            while (!putAndAwait(side, seen, ++n, TimeUnit.SECONDS.toNanos(1))) {
                if (n > 20) {
                    throw new IllegalStateException("the watch delivered nothing in 20 s");
                }
            }
            Meter meter = new Meter();
            long end = System.nanoTime() + nanos;
            long ops = 0;
            while (System.nanoTime() < end) {
                if (!putAndAwait(side, seen, ++n, TimeUnit.SECONDS.toNanos(10))) {
                    throw new IllegalStateException("a put's event did not arrive within 10 s");
                }
                ops++;
            }
            return meter.stop(ops);
        } finally {
            watch.close();
        }
    }

    private static boolean putAndAwait(Side side, BlockingQueue<byte[]> seen, long n, long timeoutNanos)
            throws Exception {
        byte[] value = ByteBuffer.allocate(Long.BYTES).putLong(n).array();
        side.put("w/key", value);
        long end = System.nanoTime() + timeoutNanos;
        while (true) {
            byte[] got = seen.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (got == null) {
                return false;
            }
            if (Arrays.equals(got, value)) {
                return true;
            }
        }
    }

    private static void rethrow(Throwable failure) throws Exception {
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }
}
