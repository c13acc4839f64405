package dev.kvstore.benchmarks;

import dev.kvstore.KvLease;
import dev.kvstore.KvRegistration;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.TestServer;
import dev.kvstore.testing.ZooKeeperServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What keeping 1,000 leased keys alive costs, per store: this process's CPU per second while it
 * does nothing else, and the keep-alive requests the server receives per second (Redis:
 * {@code INFO commandstats} of the scripts, summed over the masters of {@code redis-cluster}; etcd: its {@code /metrics} count of keep-alive messages;
 * ZooKeeper: none beyond the session's pings, whatever the number of ephemeral nodes). Three
 * cases after a baseline with the Backend open and idle: one lease holding 1,000 keys, and 1,000
 * registrations (one key each). TTL 6 s, so a keep-alive every 2 s. Not a test; run it with
 *
 * <pre>./mvnw -B -q -pl kvstore-benchmarks -am test-compile -Pbench -Dbench.main=dev.kvstore.benchmarks.KeepAliveBenchmark</pre>
 *
 * <p>{@code -Dbench.stores} as for {@link Bench}; {@code -Dbench.seconds} is each window (default 10).
 * Threads: the main thread only (the library's keep-alive threads are what is measured).
 */
public final class KeepAliveBenchmark {

    private static final int KEYS = 1_000;
    private static final Duration TTL = Duration.ofSeconds(6);
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private KeepAliveBenchmark() {}

    /**
     * Runs the benchmark and prints one line per store and case.
     *
     * @param args ignored
     * @throws Exception if a server cannot start or a request fails
     */
    public static void main(String[] args) throws Exception {
        long seconds = Long.getLong("bench.seconds", 10);
        System.out.printf(
                Locale.ROOT,
                "keep-alive cost, %d keys, TTL %ds, windows of %ds; %d cores%n",
                KEYS,
                TTL.toSeconds(),
                seconds,
                Runtime.getRuntime().availableProcessors());
        for (String store :
                System.getProperty("bench.stores", "etcd,redis,zookeeper").split(",")) {
            run(store.strip(), seconds);
        }
        System.exit(0);
    }

    private static void run(String store, long seconds) throws Exception {
        try (TestServer server = start(store);
                Backend b = Backend.create(store, server.address(), Duration.ofSeconds(10), "keepalive-bench")) {
            b.put("warm", "up");
            window(store, "idle Backend", server, seconds);

            KvLease lease = b.grantLease(TTL);
            for (int i = 0; i < KEYS; i++) {
                b.put("one-lease/" + i, "v".getBytes(StandardCharsets.UTF_8), lease);
            }
            window(store, "1 lease, 1,000 keys", server, seconds);
            lease.revoke();

            List<KvRegistration> registrations = new ArrayList<>(KEYS);
            for (int i = 0; i < KEYS; i++) {
                registrations.add(b.register("reg/" + i, "v".getBytes(StandardCharsets.UTF_8), TTL));
            }
            window(store, "1,000 registrations", server, seconds);
            registrations.forEach(KvRegistration::close);
        }
    }

    private static void window(String store, String what, TestServer server, long seconds) throws Exception {
        long requestsBefore = keepAliveRequests(store, server);
        long cpu = OS.getProcessCpuTime();
        long wall = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
        double cpuMillisPerSecond = (OS.getProcessCpuTime() - cpu) / 1e6 / ((System.nanoTime() - wall) / 1e9);
        long requests = keepAliveRequests(store, server) - requestsBefore;
        System.out.printf(
                Locale.ROOT,
                "  %-9s %-22s client CPU %6.1f ms/s   keep-alive requests %s%n",
                store,
                what,
                cpuMillisPerSecond,
                requestsBefore < 0
                        ? "n/a (session pings only)"
                        : String.format(Locale.ROOT, "%.1f/s", requests / (double) seconds));
    }

    private static TestServer start(String store) {
        return switch (store) {
            case "etcd" -> EtcdServer.start();
            case "redis" -> RedisServer.startWithoutPersistence();
            case "redis-cluster" -> RedisClusterServer.start();
            case "zookeeper" -> ZooKeeperServer.start();
            default -> throw new IllegalArgumentException("no keep-alive benchmark for store " + store);
        };
    }

    /** The server's count of keep-alive requests so far, or -1 where it has none to give. */
    private static long keepAliveRequests(String store, TestServer server) throws Exception {
        switch (store) {
            case "redis" -> {
                return scriptCalls((RedisServer) server);
            }
            case "redis-cluster" -> {
                long calls = 0;
                for (RedisServer master : ((RedisClusterServer) server).masters()) {
                    calls += scriptCalls(master);
                }
                return calls;
            }
            case "etcd" -> {
                HttpResponse<String> metrics = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://" + server.address() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                for (String line : metrics.body().split("\n")) {
                    if (line.startsWith("grpc_server_msg_received_total")
                            && line.contains("grpc_method=\"LeaseKeepAlive\"")) {
                        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
                return 0;
            }
            default -> {
                return -1;
            }
        }
    }

    /** How many scripts a Redis server has run ({@code INFO commandstats}). */
    private static long scriptCalls(RedisServer server) {
        long calls = 0;
        for (String line : server.redisCli("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                String field = line.substring(line.indexOf("calls=") + 6);
                calls += Long.parseLong(field.substring(0, field.indexOf(',')));
            }
        }
        return calls;
    }
}
