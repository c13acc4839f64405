package dev.kvstore.redis;

import dev.kvstore.KvLease;
import dev.kvstore.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A lease holder on Redis Cluster for {@link RedisClusterLeaseIT}, run as a child JVM so the test
 * can kill it with SIGKILL: grants one lease, puts every key named under it, prints
 * {@code ready <lease id>} and waits to be killed. Arguments: address, path prefix, TTL in
 * seconds, then the keys.
 */
final class ClusterLeaseHolderMain {

    private ClusterLeaseHolderMain() {}

    public static void main(String[] args) throws InterruptedException {
        Backend b = Backend.create("redis-cluster", args[0], Duration.ofSeconds(5), args[1]);
        KvLease lease = b.grantLease(Duration.ofSeconds(Long.parseLong(args[2])));
        for (int i = 3; i < args.length; i++) {
            b.put(args[i], "held".getBytes(StandardCharsets.UTF_8), lease);
        }
        System.out.println("ready " + lease.id());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
