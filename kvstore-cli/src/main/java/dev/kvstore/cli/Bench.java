package dev.kvstore.cli;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The workloads of {@code kvctl bench}, run through {@link Backend}'s asynchronous operations. Each
 * run works under a fresh namespace ({@code kvctl-bench/<random>/}) that it deletes at the end, records
 * latency in an HdrHistogram after a warm-up, and stops when its time is up.
 */
final class Bench {

    /** A workload. */
    enum Workload {
        /** Puts of random keys. */
        PUT,
        /** Gets of random existing keys. */
        GET,
        /** Half gets, half puts, of random keys. */
        MIXED,
        /** Lists of a prefix holding {@code --keys} keys. */
        LIST,
        /** Put, then wait for the watch event: latency from put to event. */
        WATCH
    }

    /** How a run is shaped. */
    record Shape(int threads, int inFlight, int valueSize, int keys, Duration duration, Duration warmup) {}

    /** The figures of one run; latencies in nanoseconds. */
    record Result(Workload workload, Shape shape, long ops, long errors, double seconds, Histogram latency) {
        double opsPerSecond() {
            return ops / Math.max(seconds, 1e-9);
        }
    }

    private final Backend backend;
    private final Shape shape;
    private final String namespace =
            "kvctl-bench/" + UUID.randomUUID().toString().substring(0, 8) + "/";

    Bench(Backend backend, Shape shape) {
        this.backend = backend;
        this.shape = shape;
    }

    /** Runs one workload; always deletes the keys it wrote. */
    Result run(Workload workload) throws Exception {
        try {
            return workload == Workload.WATCH ? runWatch() : runSimple(workload);
        } finally {
            backend.deleteWithPrefix(namespace);
        }
    }

    private String key(int i) {
        return namespace + "k" + i;
    }

    private byte[] value() {
        byte[] v = new byte[shape.valueSize()];
        ThreadLocalRandom.current().nextBytes(v);
        return v;
    }

    private void preload() throws InterruptedException {
        PipelinedWriter w = new PipelinedWriter(backend, 128);
        byte[] v = value();
        for (int i = 0; i < shape.keys(); i++) {
            w.put(key(i), v);
        }
        w.finish();
    }

    private Result runSimple(Workload workload) throws Exception {
        if (workload != Workload.PUT) {
            preload();
        }
        byte[] payload = value();
        ConcurrentHistogram histogram = new ConcurrentHistogram(3);
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        // the clock starts once every thread is ready; the latch publishes the window to them
        long[] window = new long[2];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < shape.threads(); t++) {
            Thread thread = new Thread(
                    () -> {
                        Semaphore permits = new Semaphore(shape.inFlight());
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        try {
                            go.await();
                            long measureStart = window[0];
                            long end = window[1];
                            while (System.nanoTime() < end) {
                                if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                    continue;
                                }
                                long start = System.nanoTime();
                                String k = key(random.nextInt(shape.keys()));
                                CompletableFuture<?> f;
                                try {
                                    f = switch (workload) {
                                        case PUT -> backend.putAsync(k, payload);
                                        case GET -> backend.getAsync(k);
                                        case MIXED ->
                                            random.nextBoolean() ? backend.getAsync(k) : backend.putAsync(k, payload);
                                        case LIST -> backend.listAsync(namespace);
                                        default -> throw new IllegalStateException(workload.name());
                                    };
                                } catch (RuntimeException e) {
                                    f = CompletableFuture.failedFuture(e);
                                }
                                f.whenComplete((v, e) -> {
                                    long now = System.nanoTime();
                                    if (start >= measureStart && start < end) {
                                        if (e == null) {
                                            histogram.recordValue(now - start);
                                            ops.incrementAndGet();
                                        } else {
                                            errors.incrementAndGet();
                                        }
                                    }
                                    permits.release();
                                });
                            }
                            // drain: every operation completes within the Backend's timeout
                            permits.tryAcquire(
                                    shape.inFlight(), backend.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "kvctl-bench-" + t);
            threads.add(thread);
            thread.start();
        }
        window[0] = System.nanoTime() + shape.warmup().toNanos();
        window[1] = window[0] + shape.duration().toNanos();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        return new Result(
                workload, shape, ops.get(), errors.get(), shape.duration().toNanos() / 1e9, histogram);
    }

    /**
     * Each thread owns {@code inFlight} slots, one key each; a slot has at most one put waiting for its
     * event, so stores that coalesce events of a key lose none of ours. The value carries the put's
     * start time and a sequence number.
     */
    private Result runWatch() throws Exception {
        int slots = shape.threads() * shape.inFlight();
        AtomicLongArray expected = new AtomicLongArray(slots);
        AtomicLongArray started = new AtomicLongArray(slots);
        List<BlockingQueue<Integer>> free = new ArrayList<>();
        for (int t = 0; t < shape.threads(); t++) {
            BlockingQueue<Integer> q = new ArrayBlockingQueue<>(shape.inFlight());
            for (int i = 0; i < shape.inFlight(); i++) {
                q.add(t * shape.inFlight() + i);
                expected.set(t * shape.inFlight() + i, -1);
            }
            free.add(q);
        }
        ConcurrentHistogram histogram = new ConcurrentHistogram(3);
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLongArray window = new AtomicLongArray(2); // measured from when the watch is active
        String watched = namespace + "w/";
        KvWatch watch = backend.createWatch(watched, true, (KvEvent e) -> {
            if (e.type() != EventType.PUT) {
                return;
            }
            String full = e.key();
            int slash = full.lastIndexOf('/');
            int slot;
            try {
                slot = Integer.parseInt(full.substring(slash + 1));
            } catch (NumberFormatException ignored) {
                return;
            }
            byte[] v = e.value();
            if (slot < 0 || slot >= slots || v.length < 16) {
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(v);
            long start = b.getLong();
            long seq = b.getLong();
            if (expected.compareAndSet(slot, seq, -1)) {
                long now = System.nanoTime();
                if (start >= window.get(0) && start < window.get(1)) {
                    histogram.recordValue(now - start);
                    ops.incrementAndGet();
                }
                free.get(slot / shape.inFlight()).add(slot);
            }
        });
        long measureStart = System.nanoTime() + shape.warmup().toNanos();
        long end = measureStart + shape.duration().toNanos();
        window.set(0, measureStart);
        window.set(1, end);
        try {
            List<Thread> threads = new ArrayList<>();
            AtomicLong sequence = new AtomicLong();
            long timeoutNanos = backend.timeout().toNanos();
            for (int t = 0; t < shape.threads(); t++) {
                int thread = t;
                Thread th = new Thread(
                        () -> {
                            BlockingQueue<Integer> mine = free.get(thread);
                            try {
                                while (System.nanoTime() < end) {
                                    Integer slot = mine.poll(100, TimeUnit.MILLISECONDS);
                                    if (slot == null) {
                                        reclaimLost(
                                                thread,
                                                expected,
                                                started,
                                                mine,
                                                timeoutNanos,
                                                measureStart,
                                                end,
                                                errors);
                                        continue;
                                    }
                                    long seq = sequence.incrementAndGet();
                                    long start = System.nanoTime();
                                    ByteBuffer v = ByteBuffer.allocate(Math.max(16, shape.valueSize()));
                                    v.putLong(start).putLong(seq);
                                    started.set(slot, start);
                                    expected.set(slot, seq);
                                    int s = slot;
                                    CompletableFuture<Void> f;
                                    try {
                                        f = backend.putAsync(watched + slot, v.array());
                                    } catch (RuntimeException e) {
                                        f = CompletableFuture.failedFuture(e);
                                    }
                                    f.whenComplete((x, e) -> {
                                        if (e != null && expected.compareAndSet(s, seq, -1)) {
                                            if (start >= measureStart && start < end) {
                                                errors.incrementAndGet();
                                            }
                                            mine.add(s);
                                        }
                                    });
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "kvctl-bench-watch-" + t);
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            // wait for the last events, at most the Backend's timeout
            long deadline = System.nanoTime() + timeoutNanos;
            while (System.nanoTime() < deadline
                    && free.stream().mapToInt(BlockingQueue::size).sum() < slots) {
                Thread.onSpinWait();
                Thread.sleep(1);
            }
        } finally {
            backend.deleteWatch(watch);
        }
        return new Result(
                Workload.WATCH, shape, ops.get(), errors.get(), shape.duration().toNanos() / 1e9, histogram);
    }

    /** A slot whose event has not come within the timeout counts as an error and is used again. */
    private void reclaimLost(
            int thread,
            AtomicLongArray expected,
            AtomicLongArray started,
            BlockingQueue<Integer> mine,
            long timeoutNanos,
            long measureStart,
            long end,
            AtomicLong errors) {
        long now = System.nanoTime();
        for (int i = 0; i < shape.inFlight(); i++) {
            int slot = thread * shape.inFlight() + i;
            long seq = expected.get(slot);
            long start = started.get(slot);
            if (seq != -1 && now - start > timeoutNanos && expected.compareAndSet(slot, seq, -1)) {
                if (start >= measureStart && start < end) {
                    errors.incrementAndGet();
                }
                mine.add(slot);
            }
        }
    }
}
