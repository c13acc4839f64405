package dev.kvstore.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kvstore.KvLock;
import dev.kvstore.KvLockHandle;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.ZooKeeperServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.lock.LockResponse;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Benchmark main (not a test): uncontended lock acquire + release per second, one thread, through
 * the Backend's lock recipe (with its fencing token) and through each store's native way, in one
 * run: jetcd's {@code Lock} with a lease on etcd; {@code SET NX PX} plus a compare-and-delete script
 * on Redis. ZooKeeper is measured through the recipe only: Curator's {@code InterProcessMutex} lives
 * in curator-recipes, which the build does not carry. Arguments: seconds per measurement (default 5).
 */
public final class LockBenchmark {

    private static final String RELEASE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then " + "return redis.call('del', KEYS[1]) else return 0 end";

    private LockBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args seconds per measurement
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        Duration each = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 5);
        try (EtcdServer etcd = EtcdServer.start();
                RedisServer redis = RedisServer.start();
                ZooKeeperServer zookeeper = ZooKeeperServer.start()) {
            System.out.printf("uncontended lock acquire + release, 1 thread, %d s each (ops/s)%n", each.toSeconds());
            System.out.printf("%-10s %12s %12s %7s%n", "store", "recipe", "native", "ratio");
            row("memory", recipe("memory", "", each), Double.NaN);
            row("etcd", recipe("etcd", etcd.address(), each), etcdNative(etcd.address(), each));
            row("redis", recipe("redis", redis.address(), each), redisNative(redis.address(), each));
            row("zookeeper", recipe("zookeeper", zookeeper.address(), each), Double.NaN);
        }
    }

    private static void row(String store, double recipe, double nativeOps) {
        System.out.printf(
                "%-10s %12s %12s %7s%n",
                store, format(recipe, "%.0f"), format(nativeOps, "%.0f"), format(recipe / nativeOps, "%.2f"));
    }

    private static String format(double value, String pattern) {
        return Double.isNaN(value) ? "-" : String.format(pattern, value);
    }

    private static double recipe(String storeType, String address, Duration each) throws Exception {
        try {
            return recipeOps(storeType, address, each);
        } catch (UnsupportedOperationException e) {
            System.out.println(storeType + ": " + e.getMessage());
            return Double.NaN;
        }
    }

    private static double recipeOps(String storeType, String address, Duration each) throws Exception {
        try (Backend b = Backend.builder()
                .storeType(storeType)
                .address(address)
                .pathPrefix("bench")
                .build()) {
            KvLock lock = b.lock("lock", Duration.ofSeconds(10));
            return measure(each, () -> {
                try (KvLockHandle h = lock.tryAcquire(Duration.ofSeconds(5)).orElseThrow()) {
                    return h.fencingToken();
                }
            });
        }
    }

    private static double etcdNative(String address, Duration each) throws Exception {
        try (Client client = Client.builder().endpoints("http://" + address).build()) {
            long lease = client.getLeaseClient().grant(10).get().getID();
            client.getLeaseClient().keepAlive(lease, new io.grpc.stub.StreamObserver<>() {
                @Override
                public void onNext(io.etcd.jetcd.lease.LeaseKeepAliveResponse value) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
            });
            Lock locks = client.getLockClient();
            ByteSequence name = ByteSequence.from("bench/native-lock", UTF_8);
            return measure(each, () -> {
                LockResponse held = locks.lock(name, lease).get();
                locks.unlock(held.getKey()).get();
                return held.getHeader().getRevision();
            });
        }
    }

    private static double redisNative(String address, Duration each) throws Exception {
        RedisClient client = RedisClient.create("redis://" + address);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> redis = c.sync();
            long[] n = {0};
            return measure(each, () -> {
                String token = Long.toString(++n[0]);
                if (!"OK"
                        .equals(redis.set(
                                "bench/native-lock", token, SetArgs.Builder.nx().px(10_000)))) {
                    throw new IllegalStateException("not acquired");
                }
                Long deleted = redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {"bench/native-lock"}, token);
                return deleted;
            });
        } finally {
            client.shutdown();
        }
    }

    /** Warms up for a second, then runs {@code op} for {@code each} and returns operations per second. */
    private static double measure(Duration each, Callable<?> op) throws Exception {
        long warm = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < warm) {
            op.call();
        }
        long start = System.nanoTime();
        long end = start + each.toNanos();
        long ops = 0;
        while (System.nanoTime() < end) {
            op.call();
            ops++;
        }
        return ops / ((System.nanoTime() - start) / 1e9);
    }
}
