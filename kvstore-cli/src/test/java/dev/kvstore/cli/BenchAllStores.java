package dev.kvstore.cli;

import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.ZooKeeperServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark main (not a test): starts etcd, Redis and ZooKeeper on free loopback ports with
 * kvstore-testing, and runs {@code kvctl bench ARGS} against memory and each of them, printing the
 * tables. The figures of kvstore-cli/README.md come from here. Arguments are passed to {@code bench}
 * (default: {@code --duration 3s}).
 */
public final class BenchAllStores {

    private BenchAllStores() {}

    /**
     * Runs the benchmark.
     *
     * @param args arguments for {@code kvctl bench}
     */
    public static void main(String[] args) throws Exception {
        List<String> bench = new ArrayList<>(List.of("bench"));
        bench.addAll(args.length == 0 ? List.of("--duration", "3s") : Arrays.asList(args));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Io io = new Io(System.in, out, System.err, System.getenv(), false, BackendFactory.DEFAULT);
        try (EtcdServer etcd = EtcdServer.start();
                RedisServer redis = RedisServer.start();
                ZooKeeperServer zookeeper = ZooKeeperServer.start()) {
            String[][] stores = {
                {"memory", ""}, {"etcd", etcd.address()}, {"redis", redis.address()}, {"zookeeper", zookeeper.address()}
            };
            for (String[] store : stores) {
                List<String> command = new ArrayList<>(bench);
                command.addAll(List.of("--store-type", store[0], "--address", store[1]));
                int status = Kvctl.run(io, command.toArray(String[]::new));
                if (status != 0) {
                    System.err.println("bench on " + store[0] + " exited " + status);
                }
                out.println();
            }
        }
    }
}
