package dev.kvstore.benchmarks;

import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.TestServer;
import dev.kvstore.testing.ZooKeeperServer;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's entry point: for each store, starts its server (kvstore-testing), runs every
 * workload through the {@code Backend} and through the store's driver used directly, in blocks of
 * rounds interleaved A-B-B-A (driver, Backend, Backend, driver; a warm-up round of each side first,
 * then {@code bench.blocks} blocks), and prints one row per workload: ops/s of each side over all
 * blocks, the ratio Backend / driver, the lowest and highest ratio of a single block, and this
 * process's CPU time per operation on each side. One more row per store, "noise", runs a workload
 * with a second, separate driver client in the Backend's place: how far two identical clients
 * differ in this run, i.e. how far from 1.00 a ratio can be by chance. A row below {@value
 * #AIM} is then measured again, beside a noise row of its own workload ({@code bench.recheck}). Run
 * it with
 *
 * <pre>./mvnw -B -q -pl kvstore-benchmarks -am test-compile -Pbench</pre>
 *
 * System properties: {@code bench.stores} (default {@code etcd,redis,zookeeper}; {@code memory} too,
 * where the "driver" is the store's own client without the façade), {@code
 * bench.workloads} ({@code all} or ids such as {@code get-1t,list}), {@code bench.millis} (one
 * measured round, default 1000), {@code bench.blocks} (blocks of four rounds per row, default 3),
 * {@code bench.gcBetweenRounds} ({@code true} by default: a full collection before each measured
 * round, outside it, so that no round pays for the other side's garbage), {@code
 * bench.warmUpMillis} (the warm-up round of each side, default
 * 3000 or one measured round if longer: at a few thousand operations per second one second does not
 * get every path compiled, and the compiler's CPU time then counts in the measured rounds; on etcd
 * it was most of a one-thread put's CPU), {@code bench.noise} (the workload of the noise row, default {@code
 * get-16t}; {@code none} for no noise row), {@code bench.recheck} ({@code true} by default: after a
 * store's rows, each row below {@value #AIM} runs again, followed by its workload with the second
 * driver client in the Backend's place; {@code false}: no second look), {@code bench.only} ({@code
 * backend} or {@code driver}: run that side alone, for a profiler; the other side's columns then
 * stay empty), {@code bench.options} (store options for the Backend side, {@code k=v[,k2=v2]}, e.g.
 * {@code key-index=true} with {@code bench.stores=redis}; see {@link BenchOptions}).
 *
 * <p>Threads: everything is driven from the main thread; see {@link Workload} for the workloads'
 * own threads.
 */
public final class Bench {

    /** Issue 13's aim for a row: the Backend's throughput at least this share of the driver's. */
    static final double AIM = 0.95;

    private final List<String> stores;
    private final List<Workload> workloads;
    private final long roundNanos;
    private final long warmUpNanos;
    private final Workload noise;
    private final int blocks = Integer.getInteger("bench.blocks", 3);
    private final boolean recheck = Boolean.parseBoolean(System.getProperty("bench.recheck", "true"));
    private final boolean gcBetweenRounds = Boolean.parseBoolean(System.getProperty("bench.gcBetweenRounds", "true"));
    /** "backend" or "driver" to run that side alone (for a profiler), else empty. */
    private final String only = System.getProperty("bench.only", "all").replace("all", "");

    private final List<String> rows = new ArrayList<>();

    private Bench(List<String> stores, List<Workload> workloads, long roundNanos, long warmUpNanos, Workload noise) {
        this.stores = stores;
        this.workloads = workloads;
        this.roundNanos = roundNanos;
        this.warmUpNanos = warmUpNanos;
        this.noise = noise;
    }

    /**
     * Runs the benchmark and prints the table; exits with 1 if any row failed.
     *
     * @param args ignored; see the class comment for the system properties
     * @throws Exception if a server cannot start
     */
    public static void main(String[] args) throws Exception {
        List<String> stores = split(System.getProperty("bench.stores", "etcd,redis,zookeeper"));
        String w = System.getProperty("bench.workloads", "all");
        List<Workload> workloads = w.equals("all")
                ? List.of(Workload.values())
                : split(w).stream().map(Workload::byId).toList();
        long millis = Long.getLong("bench.millis", 1000);
        long warmUp = Long.getLong("bench.warmUpMillis", 0);
        String n = System.getProperty("bench.noise", "get-16t");
        Bench bench = new Bench(
                stores,
                workloads,
                TimeUnit.MILLISECONDS.toNanos(millis),
                TimeUnit.MILLISECONDS.toNanos(warmUp > 0 ? warmUp : Math.max(3000, millis)),
                n.equals("none") ? null : Workload.byId(n));
        boolean ok = bench.run();
        System.exit(ok ? 0 : 1);
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private boolean run() throws Exception {
        String header = String.format(
                Locale.ROOT,
                "%s UTC; %d cores, load average %.1f; Java %s; %d blocks of rounds of %d ms, driver-Backend-Backend-driver,"
                        + " after a warm-up of %d ms%s%s",
                Instant.now().truncatedTo(ChronoUnit.MINUTES),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                System.getProperty("java.version"),
                blocks,
                TimeUnit.NANOSECONDS.toMillis(roundNanos),
                TimeUnit.NANOSECONDS.toMillis(warmUpNanos),
                gcBetweenRounds ? "; a full GC before each round" : "",
                BenchOptions.describe());
        System.out.println(header);
        boolean ok = true;
        for (String store : stores) {
            ok &= runStore(store);
        }
        System.out.println();
        System.out.println(header);
        System.out.println();
        System.out.println(
                "| store | workload | Backend ops/s | driver ops/s | ratio | blocks' ratios | Backend CPU µs/op | driver CPU µs/op | CPU ratio |");
        System.out.println("|---|---|--:|--:|--:|--:|--:|--:|--:|");
        rows.forEach(System.out::println);
        return ok;
    }

    private boolean runStore(String store) throws Exception {
        try (TestServer server = store.equals("memory") ? null : start(store);
                Side driver = driver(store, address(server), "bench/d");
                Side backend = new BackendSide(store, address(server), "bench/b");
                Side second = driver(store, address(server), "bench/n")) {
            Workload.seed(driver);
            Workload.seed(backend);
            Workload.seed(second);
            boolean ok = true;
            List<Workload> below = new ArrayList<>();
            for (Workload workload : workloads) {
                if (store.equals("memory") && workload == Workload.LOCK) {
                    continue; // no lock but the Backend's recipe
                }
                double ratio = row(store, workload.title(), workload, backend, driver);
                ok &= !Double.isNaN(ratio);
                if (ratio < AIM) {
                    below.add(workload);
                }
            }
            if (noise != null) {
                ok &= !Double.isNaN(row(store, noiseTitle(noise), noise, second, driver));
            }
            if (recheck && only.isEmpty()) {
                // the second look: once more, beside two identical clients on the same workload
                for (Workload workload : below) {
                    ok &= !Double.isNaN(row(store, workload.title() + ", again", workload, backend, driver));
                    ok &= !Double.isNaN(row(store, noiseTitle(workload), workload, second, driver));
                }
            }
            return ok;
        }
    }

    private static String noiseTitle(Workload workload) {
        return "noise: 2nd driver client as \"Backend\", " + workload.title();
    }

    private static TestServer start(String store) {
        return switch (store) {
            case "etcd" -> EtcdServer.start();
            case "redis" -> RedisServer.startWithoutPersistence();
            case "zookeeper" -> ZooKeeperServer.start();
            default ->
                throw new IllegalArgumentException("no store " + store + "; known: etcd, redis, zookeeper, memory");
        };
    }

    private static String address(TestServer server) {
        return server == null ? "" : server.address();
    }

    private static Side driver(String store, String address, String namespace) throws Exception {
        return switch (store) {
            case "memory" -> new ClientSide(store, address, namespace);
            case "etcd" -> new EtcdDriver(address, namespace);
            case "redis" -> new RedisDriver(address, namespace);
            case "zookeeper" -> new ZooKeeperDriver(address, namespace);
            default -> throw new IllegalArgumentException("no store " + store);
        };
    }

    /**
     * One measured round. With {@code bench.gcBetweenRounds} (the default) a full collection runs
     * first, outside the round: the garbage one side left would otherwise be collected, and its
     * collection counted, in whichever round comes next, often the other side's.
     */
    private Workload.Sample round(Workload workload, Side side) throws Exception {
        if (gcBetweenRounds) {
            System.gc();
        }
        return workload.run(side, roundNanos);
    }

    /**
     * Warm-up of each side, then {@link #blocks} blocks of rounds driver, Backend, Backend, driver;
     * prints and keeps the row.
     *
     * @return the ratio Backend / driver over all blocks (NaN if the row failed; 1 with {@code
     *     bench.only})
     */
    private double row(String store, String title, Workload workload, Side backend, Side driver) {
        String line;
        double ratio;
        try {
            if (!only.isEmpty()) {
                Side alone = only.equals("backend") ? backend : driver;
                workload.run(alone, warmUpNanos);
                Workload.Sample s = round(workload, alone);
                for (int i = 1; i < 2 * blocks; i++) {
                    s = s.plus(round(workload, alone));
                }
                line = String.format(
                        Locale.ROOT,
                        "| %s | %s (%s alone) | %,.0f | | | | %.1f | | |",
                        store,
                        title,
                        only,
                        s.opsPerSecond(),
                        s.cpuMicrosPerOp());
                System.out.println(line);
                rows.add(line);
                return 1;
            }
            // a full round of each first: the JIT compiler's CPU time would otherwise count against
            // whichever side runs code not yet compiled
            workload.run(driver, warmUpNanos);
            workload.run(backend, warmUpNanos);
            Workload.Sample b = null;
            Workload.Sample d = null;
            double lowest = Double.MAX_VALUE;
            double highest = 0;
            for (int i = 0; i < blocks; i++) {
                Workload.Sample d1 = round(workload, driver);
                Workload.Sample b1 = round(workload, backend);
                b1 = b1.plus(round(workload, backend));
                d1 = d1.plus(round(workload, driver));
                double r = b1.opsPerSecond() / d1.opsPerSecond();
                lowest = Math.min(lowest, r);
                highest = Math.max(highest, r);
                b = b == null ? b1 : b.plus(b1);
                d = d == null ? d1 : d.plus(d1);
            }
            ratio = b.opsPerSecond() / d.opsPerSecond();
            line = String.format(
                    Locale.ROOT,
                    "| %s | %s | %,.0f | %,.0f | %.2f | %.2f–%.2f | %.1f | %.1f | %.2f |",
                    store,
                    title,
                    b.opsPerSecond(),
                    d.opsPerSecond(),
                    ratio,
                    lowest,
                    highest,
                    b.cpuMicrosPerOp(),
                    d.cpuMicrosPerOp(),
                    b.cpuMicrosPerOp() / d.cpuMicrosPerOp());
        } catch (Exception e) {
            line = String.format(Locale.ROOT, "| %s | %s | failed: %s | | | | | | |", store, title, e);
            e.printStackTrace();
            ratio = Double.NaN;
        }
        System.out.println(line);
        rows.add(line);
        return ratio;
    }
}
