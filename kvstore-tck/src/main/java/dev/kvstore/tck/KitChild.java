package dev.kvstore.tck;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kvstore.KvElection;
import dev.kvstore.KvLease;
import dev.kvstore.KvLock;
import dev.kvstore.KvLockHandle;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.backend.Backend;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The other process of the kit's lease, lock and election cases, started in a child JVM through
 * kvstore-testing's {@code ChildJvm} and killed with SIGKILL where a test needs a holder to die. It
 * talks to the store under test with the same configuration, passed as arguments, and reports on
 * standard output, one line per fact, with the time in microseconds since the epoch where order
 * across processes matters.
 *
 * <pre>
 * KitChild storeType address timeoutMillis pathPrefix [option=value ...] -- mode args...
 *   lease KEY TTL_SECONDS                      put KEY under a new lease; print "ready LEASE_ID"; wait
 *   hold NAME TTL_SECONDS                      acquire lock NAME; print "held TOKEN MICROS"; wait
 *   count NAME TTL_SECONDS THREADS ROUNDS KEY  THREADS threads each ROUNDS times: acquire, read KEY,
 *                                              write it + 1, release; print "done" (or "error ...")
 *   elect NAME ID TTL_SECONDS                  join election NAME as ID; print "leader ID|- MICROS" on
 *                                              every change; wait
 * </pre>
 *
 * <p>Threads: the main thread sets up and then waits forever (until killed); {@code count} runs its
 * own worker threads; election changes are printed from the Backend's listener thread. Output lines
 * are printed whole (one {@code println} each) and flushed.
 */
public final class KitChild {

    private KitChild() {}

    /**
     * Runs one mode until killed (or, for {@code count}, until done).
     *
     * @param args see the class comment
     * @throws Exception on any failure, which ends the process with a stack trace on standard error
     */
    public static void main(String[] args) throws Exception {
        int split = Arrays.asList(args).indexOf("--");
        KvStoreConfig.Builder config = KvStoreConfig.builder()
                .storeType(args[0])
                .address(args[1])
                .timeout(Duration.ofMillis(Long.parseLong(args[2])));
        for (int i = 4; i < split; i++) {
            String[] kv = args[i].split("=", 2);
            config.option(kv[0], kv[1]);
        }
        KvStoreConfig c = config.build();
        Backend backend = Backend.builder()
                .storeType(c.storeType())
                .address(c.address())
                .timeout(c.timeout())
                .options(c.options())
                .pathPrefix(args[3])
                .build();
        String[] mode = Arrays.copyOfRange(args, split + 1, args.length);
        PrintStream out = System.out;
        switch (mode[0]) {
            case "lease" -> {
                KvLease lease = backend.grantLease(Duration.ofSeconds(Long.parseLong(mode[2])));
                backend.put(mode[1], "leased".getBytes(UTF_8), lease);
                out.println("ready " + lease.id());
            }
            case "hold" -> {
                KvLock lock = backend.lock(mode[1], Duration.ofSeconds(Long.parseLong(mode[2])));
                KvLockHandle h = lock.tryAcquire(Duration.ofSeconds(60)).orElseThrow();
                out.println("held " + h.fencingToken() + " " + micros());
            }
            case "count" -> {
                count(
                        backend,
                        mode[1],
                        Duration.ofSeconds(Long.parseLong(mode[2])),
                        Integer.parseInt(mode[3]),
                        Integer.parseInt(mode[4]),
                        mode[5],
                        out);
                backend.close();
                return;
            }
            case "elect" -> {
                KvElection e = backend.elect(mode[1], mode[2], Duration.ofSeconds(Long.parseLong(mode[3])));
                e.onChange(leader -> out.println("leader " + leader.orElse("-") + " " + micros()));
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode[0]);
        }
        out.flush();
        new CountDownLatch(1).await(); // until killed
    }

    /**
     * The kit's contention workload: under the lock, a non-atomic read-increment-write of a counter
     * whose value is {@code count:lastToken}; a token not greater than the last one is a violation.
     */
    static void count(
            Backend backend, String name, Duration ttl, int threads, int rounds, String counterKey, PrintStream out)
            throws InterruptedException {
        KvLock lock = backend.lock(name, ttl);
        List<Thread> workers = new ArrayList<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        try (KvLockHandle h =
                                lock.tryAcquire(Duration.ofSeconds(120)).orElseThrow()) {
                            String violation = increment(backend, counterKey, h.fencingToken());
                            if (violation != null) {
                                errors.add(violation);
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    errors.add(e.toString());
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        out.println(errors.isEmpty() ? "done" : "error " + errors);
        out.flush();
    }

    /** Reads {@code count:token}, writes {@code count+1:ourToken}; returns a violation or null. */
    static String increment(Backend backend, String counterKey, long token) {
        Optional<KvPair> now = backend.get(counterKey);
        long count = 0;
        long last = 0;
        if (now.isPresent()) {
            String[] parts = now.get().valueAsString().split(":");
            count = Long.parseLong(parts[0]);
            last = Long.parseLong(parts[1]);
        }
        backend.put(counterKey, (count + 1) + ":" + token);
        return token > last ? null : "fencing token " + token + " after " + last;
    }

    /**
     * The command line of a child for a store configuration.
     *
     * @param config the store under test (or a proxied configuration of it)
     * @param pathPrefix the child's Backend path prefix
     * @param mode the mode and its arguments
     * @return the arguments for {@code ChildJvm.start(KitChild.class, ...)}
     */
    static String[] args(KvStoreConfig config, String pathPrefix, String... mode) {
        List<String> a = new ArrayList<>(List.of(
                config.storeType(),
                config.address(),
                Long.toString(config.timeout().toMillis()),
                pathPrefix));
        for (Map.Entry<String, String> o : config.options().entrySet()) {
            a.add(o.getKey() + "=" + o.getValue());
        }
        a.add("--");
        a.addAll(List.of(mode));
        return a.toArray(String[]::new);
    }

    /** Microseconds since the epoch, comparable across processes of one machine. */
    static long micros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
