package dev.kvstore.redis;

import dev.kvstore.KvLease;
import dev.kvstore.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A lease holder for {@link RedisLeaseIT}, run as a child JVM so the test can kill it with
 * SIGKILL: grants a lease, puts a key under it, prints {@code ready <lease id>} and waits to be
 * killed. Arguments: address, path prefix, key, TTL in seconds.
 */
final class LeaseHolderMain {

    private LeaseHolderMain() {}

    public static void main(String[] args) throws InterruptedException {
        Backend b = Backend.create("redis", args[0], Duration.ofSeconds(5), args[1]);
        KvLease lease = b.grantLease(Duration.ofSeconds(Long.parseLong(args[3])));
        b.put(args[2], "held".getBytes(StandardCharsets.UTF_8), lease);
        System.out.println("ready " + lease.id());
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
