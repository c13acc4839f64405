package dev.kvstore.redis.bench;

import dev.kvstore.KvPair;
import dev.kvstore.Txn;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compare-and-set increments of one counter key with 1 and 16 contending threads: through the
 * {@link Backend} (read, then {@code commit} of {@code ifValue(old).put(new)}, retried on conflict)
 * against lettuce used directly doing the same (read with {@code GET}, then a five-line Lua
 * compare-and-set by {@code EVALSHA}, retried on conflict), in one run on one Redis it starts.
 * Both sides share one connection between their threads, as the Backend does. Redis keeps no
 * versions, so the comparison is by value.
 *
 * <p>Prints, per thread count, each side's successful increments per second, conflicts and
 * attempts per second (the best of the rounds) and the ratios Backend / driver of increments and
 * of attempts (the median of the rounds' ratios; 1.0 = as fast). Under contention the increment
 * rate swings with how the threads happen to collide; the attempt rate shows each side's cost. Run: {@code mvn -B -o -q -pl kvstore-redis -am test-compile -Predis-benchmark
 * -Dbench.main=dev.kvstore.redis.bench.RedisCasBenchmark}. Not a test.
 */
public final class RedisCasBenchmark {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final String CAS = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final int INCREMENTS_PER_ROUND = 3_000;
    private static final byte[] ZERO = "0".getBytes(StandardCharsets.US_ASCII);

    private RedisCasBenchmark() {}

    /** One way to increment the counter once (retrying until its compare-and-set wins). */
    interface Incrementer {
        /** Increments; returns how many attempts lost to another thread. */
        long increment(String key);
    }

    /** Increments done, seconds taken, attempts that lost. */
    record Result(long increments, double seconds, long conflicts) {
        double opsPerSecond() {
            return increments / seconds;
        }

        /** Compare-and-set attempts per second, won or lost: the cost per round trip pair. */
        double attemptsPerSecond() {
            return (increments + conflicts) / seconds;
        }
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
                String sha = sync.scriptLoad(CAS);
                Incrementer driver = key -> {
                    long conflicts = 0;
                    while (true) {
                        byte[] old = sync.get(key);
                        byte[] next = next(old);
                        Long won = sync.evalsha(
                                sha,
                                ScriptOutputType.INTEGER,
                                new String[] {key},
                                old == null ? new byte[0] : old,
                                next);
                        if (won == 1L) {
                            return conflicts;
                        }
                        conflicts++;
                    }
                };
                Incrementer viaBackend = key -> {
                    long conflicts = 0;
                    while (true) {
                        Optional<KvPair> old = backend.get(key);
                        byte[] next = next(old.map(KvPair::value).orElse(null));
                        Txn txn = old.isPresent()
                                ? Txn.builder()
                                        .ifValue(key, old.get().value())
                                        .put(key, next)
                                        .build()
                                : Txn.builder().ifAbsent(key).put(key, next).build();
                        if (backend.commit(txn).succeeded()) {
                            return conflicts;
                        }
                        conflicts++;
                    }
                };
                System.out.printf(
                        "Redis %s, CAS increments: lettuce 6.8 direct (GET + Lua CAS) vs kvstore Backend"
                                + " (get + commit ifValue), %d cores, best of %d rounds, ratio = median of rounds%n",
                        redis.redisCli("INFO", "server")
                                .lines()
                                .filter(l -> l.startsWith("redis_version"))
                                .findFirst()
                                .orElse("?")
                                .strip(),
                        Runtime.getRuntime().availableProcessors(),
                        ROUNDS);
                System.out.printf(
                        "%-12s %12s %10s %11s | %12s %10s %11s | %6s %9s%n",
                        "threads",
                        "driver op/s",
                        "conflicts",
                        "attempts/s",
                        "Backend op/s",
                        "conflicts",
                        "attempts/s",
                        "ratio",
                        "att.ratio");
                sync.set("driver-warm", ZERO);
                backend.put("backend-warm", ZERO);
                run(driver, "driver-warm", 4, 2_000);
                run(viaBackend, "backend-warm", 4, 2_000);
                for (int threads : new int[] {1, 16}) {
                    Result bestDriver = null;
                    Result bestBackend = null;
                    double[] ratios = new double[ROUNDS];
                    double[] attemptRatios = new double[ROUNDS];
                    for (int r = 0; r < ROUNDS; r++) {
                        // Both counters start at "0", so both sides compare by value from the first try.
                        sync.set("driver-" + threads + "-" + r, ZERO);
                        backend.put("backend-" + threads + "-" + r, ZERO);
                        Result d = run(driver, "driver-" + threads + "-" + r, threads, INCREMENTS_PER_ROUND);
                        Result b = run(viaBackend, "backend-" + threads + "-" + r, threads, INCREMENTS_PER_ROUND);
                        check("driver-" + threads + "-" + r, sync.get("driver-" + threads + "-" + r));
                        check(
                                "backend-" + threads + "-" + r,
                                backend.get("backend-" + threads + "-" + r)
                                        .orElseThrow()
                                        .value());
                        ratios[r] = b.opsPerSecond() / d.opsPerSecond();
                        attemptRatios[r] = b.attemptsPerSecond() / d.attemptsPerSecond();
                        bestDriver =
                                bestDriver == null || d.opsPerSecond() > bestDriver.opsPerSecond() ? d : bestDriver;
                        bestBackend =
                                bestBackend == null || b.opsPerSecond() > bestBackend.opsPerSecond() ? b : bestBackend;
                    }
                    Arrays.sort(ratios);
                    Arrays.sort(attemptRatios);
                    System.out.printf(
                            "%-12s %12.0f %10d %11.0f | %12.0f %10d %11.0f | %6.2f %9.2f%n",
                            threads + (threads == 1 ? " thread" : " threads"),
                            bestDriver.opsPerSecond(),
                            bestDriver.conflicts(),
                            bestDriver.attemptsPerSecond(),
                            bestBackend.opsPerSecond(),
                            bestBackend.conflicts(),
                            bestBackend.attemptsPerSecond(),
                            ratios[ROUNDS / 2],
                            attemptRatios[ROUNDS / 2]);
                }
            } finally {
                client.shutdown();
            }
        }
    }

    /** The counter after {@code old} (absent = 0). */
    private static byte[] next(byte[] old) {
        long n = old == null ? 0 : Long.parseLong(new String(old, StandardCharsets.US_ASCII));
        return Long.toString(n + 1).getBytes(StandardCharsets.US_ASCII);
    }

    /** Every increment landed: nothing lost under contention. */
    private static void check(String key, byte[] counter) {
        long value = Long.parseLong(new String(counter, StandardCharsets.US_ASCII));
        if (value != INCREMENTS_PER_ROUND) {
            throw new IllegalStateException(key + " ended at " + value + ", not " + INCREMENTS_PER_ROUND);
        }
    }

    private static Result run(Incrementer inc, String key, int threads, int increments) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong conflicts = new AtomicLong();
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int mine = increments / threads + (t < increments % threads ? 1 : 0);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < mine; i++) {
                        conflicts.addAndGet(inc.increment(key));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return new Result(increments, (System.nanoTime() - start) / 1e9, conflicts.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
