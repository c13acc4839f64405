package dev.kvstore.etcd.bench;

import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CAS increments of one counter, on one etcd in one run: jetcd used directly (a get, then a
 * {@code Txn} "if version == v then put v+1") against the same loop through {@link Backend}
 * ({@code get} + {@code compareAndSet}), with 1 and with 16 contending threads. Prints successful
 * increments per second, retries per increment, and the ratio Backend/driver. Not a test: run it with
 *
 * <pre>mvn -q -pl kvstore-etcd -am test-compile -Petcd-benchmark -Dbench.main=dev.kvstore.etcd.bench.EtcdCasBenchmark</pre>
 *
 * <p>{@code -Dbench.seconds=N} sets the measured time per case (default 3, after 1 s of warm-up);
 * {@code -Dbench.rounds=N} the alternating rounds (default 2; each side's best round is shown).
 * At the end every increment counted is checked against the counter's value: none was lost.
 */
public final class EtcdCasBenchmark {

    private static final int[] THREADS = {1, 16};

    private final Duration measured = Duration.ofSeconds(Long.getLong("bench.seconds", 3));
    private final Duration warmup = Duration.ofSeconds(1);
    private final int rounds = Integer.getInteger("bench.rounds", 2);

    /** One side's increment: read, compare-and-set; true if it won. */
    private interface Cas {
        boolean tryIncrement(String key) throws Exception;
    }

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args ignored
     * @throws Exception if a case fails
     */
    public static void main(String[] args) throws Exception {
        new EtcdCasBenchmark().run();
        System.exit(0);
    }

    private void run() throws Exception {
        List<String> rows = new ArrayList<>();
        try (EtcdServer etcd = EtcdServer.start();
                Client jetcd =
                        Client.builder().endpoints("http://" + etcd.address()).build();
                Backend backend = Backend.create("etcd", etcd.address(), Duration.ofSeconds(10), "bench")) {
            System.out.printf(
                    Locale.ROOT,
                    "etcd %s; %d s per case after %d s warm-up, best of %d alternating rounds;"
                            + " %d cores, load average %.1f%n",
                    etcd.address(),
                    measured.toSeconds(),
                    warmup.toSeconds(),
                    rounds,
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
            Cas driver = driver(jetcd.getKVClient());
            Cas facade = key -> {
                Optional<KvPair> pair = backend.get(key);
                long version = pair.map(KvPair::version).orElse(0L);
                long value = pair.map(p -> Long.parseLong(p.valueAsString())).orElse(0L);
                return backend.compareAndSet(key, version, bytes(value + 1));
            };
            for (int threads : THREADS) {
                Result bestDriver = null;
                Result bestFacade = null;
                for (int round = 0; round < rounds; round++) {
                    Result d = measure(driver, "raw/cas-" + threads, threads);
                    Result f = measure(facade, "cas-" + threads, threads);
                    bestDriver = bestDriver == null || d.opsPerSecond() > bestDriver.opsPerSecond() ? d : bestDriver;
                    bestFacade = bestFacade == null || f.opsPerSecond() > bestFacade.opsPerSecond() ? f : bestFacade;
                }
                rows.add(String.format(
                        Locale.ROOT,
                        "| CAS increment, %2d thread%s | %8.0f | %5.2f | %8.0f | %5.2f | %5.2f |",
                        threads,
                        threads == 1 ? " " : "s",
                        bestDriver.opsPerSecond(),
                        bestDriver.retriesPerOp(),
                        bestFacade.opsPerSecond(),
                        bestFacade.retriesPerOp(),
                        bestFacade.opsPerSecond() / bestDriver.opsPerSecond()));
            }
            checkNothingLost(jetcd.getKVClient(), "raw/cas-");
            checkNothingLost(jetcd.getKVClient(), "bench/cas-");
        }
        System.out.println();
        System.out.println("| workload | driver op/s | retries/op | Backend op/s | retries/op | ratio |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private final java.util.Map<String, Long> expected = new java.util.HashMap<>();

    /** Runs {@code threads} threads incrementing one counter for the warm-up plus the measured time. */
    private Result measure(Cas cas, String key, int threads) throws InterruptedException {
        AtomicLong wins = new AtomicLong();
        AtomicLong losses = new AtomicLong();
        AtomicLong measuredWins = new AtomicLong();
        AtomicLong measuredLosses = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long until = measureFrom + measured.toNanos();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(
                    () -> {
                        try {
                            long now;
                            while ((now = System.nanoTime()) - until < 0) {
                                boolean won = cas.tryIncrement(key);
                                (won ? wins : losses).incrementAndGet();
                                if (now - measureFrom >= 0) {
                                    (won ? measuredWins : measuredLosses).incrementAndGet();
                                }
                            }
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    },
                    "cas-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a CAS loop failed", failures.get(0));
        }
        String stored = key.startsWith("raw/") ? key : "bench/" + key;
        expected.merge(stored, wins.get(), Long::sum);
        double seconds = measured.toNanos() / 1e9;
        return new Result(
                measuredWins.get() / seconds,
                measuredWins.get() == 0 ? 0 : (double) measuredLosses.get() / measuredWins.get());
    }

    private void checkNothingLost(KV kv, String prefix) throws Exception {
        for (var e : expected.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            GetResponse r = kv.get(bytes(e.getKey())).get();
            long value = Long.parseLong(r.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
            if (value != e.getValue()) {
                throw new IllegalStateException(
                        e.getKey() + " holds " + value + " after " + e.getValue() + " increments");
            }
        }
    }

    private static Cas driver(KV kv) {
        return key -> {
            ByteSequence k = bytes(key);
            List<KeyValue> kvs = kv.get(k).get().getKvs();
            long version = kvs.isEmpty() ? 0 : kvs.get(0).getVersion();
            long value =
                    kvs.isEmpty() ? 0 : Long.parseLong(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
            return kv.txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(version)))
                    .Then(Op.put(k, ByteSequence.from(bytes(value + 1)), PutOption.DEFAULT))
                    .commit()
                    .get()
                    .isSucceeded();
        };
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }

    private record Result(double opsPerSecond, double retriesPerOp) {}
}
