package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreException;
import dev.kvstore.Txn;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Redis leases and scripts as the kit cannot see them: the keys behind a lease, a holder killed
 * with SIGKILL, a Redis that stops or restarts empty, and scripts flushed from the server.
 */
class RedisLeaseIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static RedisServer redis;

    private String ns;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startWithoutPersistence();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void namespace() {
        ns = "lease-it-" + UUID.randomUUID();
        if (!redis.isRunning()) {
            redis.restart();
        }
    }

    private Backend backend() {
        return Backend.create("redis", redis.address(), TIMEOUT, ns);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private long pttl(String key) {
        return Long.parseLong(redis.redisCli("PTTL", ns + "/" + key).strip());
    }

    @Test
    @DisplayName("a leased key is a plain string with an expiry; it names its lease; the bookkeeping keys stay hidden")
    void leasedKey() {
        try (Backend b = backend()) {
            KvLease lease = b.grantLease(TTL);
            b.put("leased", bytes("v"), lease);
            b.put("plain", "p");
            assertThat(b.get("leased")).map(KvPair::lease).hasValue(lease.id());
            assertThat(b.get("plain")).map(KvPair::lease).hasValue(0L);
            assertThat(b.list(""))
                    .extracting(m -> m.get(ns + "/leased").lease())
                    .isEqualTo(lease.id());
            assertThat(redis.redisCli("GET", ns + "/leased").strip()).isEqualTo("v");
            assertThat(pttl("leased")).isBetween(1L, TTL.toMillis());
            assertThat(pttl("plain")).isEqualTo(-1L);
            try (Backend all = Backend.create("redis", redis.address(), TIMEOUT, "")) {
                assertThat(all.client().listKeys("").join())
                        .allSatisfy(k -> assertThat(k).doesNotContain("\u0000"));
                assertThat(all.client().list("").join().keySet()).noneMatch(ReservedKeys::isReserved);
            }
            lease.revoke();
        }
    }

    @Test
    @DisplayName("keep-alives hold the key past several TTLs; revoke deletes it at once and watches see DELETE")
    void keepAliveAndRevoke() {
        try (Backend b = backend()) {
            KvLease lease = b.grantLease(TTL);
            AtomicLong lostCalls = new AtomicLong();
            lease.onLost(lostCalls::incrementAndGet);
            b.put("k", bytes("v"), lease);
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            b.createWatch("k", false, events::add);
            await().during(TTL.multipliedBy(2))
                    .atMost(TTL.multipliedBy(3))
                    .until(() -> b.exists("k") && lease.isActive());
            lease.revoke();
            assertThat(b.exists("k")).isFalse();
            assertThat(lease.isActive()).isFalse();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> events.stream().anyMatch(e -> e.type() == EventType.DELETE));
            assertThat(lostCalls.get()).isZero();
            // The lease's hash is gone too (its name holds U+0000, which a command line cannot carry).
            assertThat(redis.redisCli(
                                    "EVAL",
                                    "return redis.call('EXISTS', '\\0kv:lease:' .. ARGV[1])",
                                    "0",
                                    String.valueOf(lease.id()))
                            .strip())
                    .isEqualTo("0");
        }
    }

    @Test
    @DisplayName("a holder killed with SIGKILL: its key expires within TTL + 2 s and the watch sees DELETE")
    void holderKilled() throws Exception {
        try (Backend b = backend()) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            b.createWatch("held", false, events::add);
            Process holder = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            LeaseHolderMain.class.getName(),
                            redis.address(),
                            ns,
                            "held",
                            String.valueOf(TTL.toSeconds()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                do {
                    line = out.readLine();
                } while (line != null && !line.startsWith("ready "));
                assertThat(line).as("the holder's ready line").isNotNull();
                long leaseId = Long.parseLong(line.substring("ready ".length()));
                assertThat(b.get("held")).map(KvPair::lease).hasValue(leaseId);
                // still held while the holder lives
                await().during(TTL.plusMillis(500)).atMost(TTL.multipliedBy(2)).until(() -> b.exists("held"));
                holder.destroyForcibly(); // SIGKILL
                long killed = System.nanoTime();
                holder.waitFor(10, TimeUnit.SECONDS);
                await().atMost(TTL.plusSeconds(2))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> events.stream().anyMatch(e -> e.type() == EventType.DELETE));
                assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(TTL.plusSeconds(2));
                assertThat(b.exists("held")).isFalse();
            } finally {
                holder.destroyForcibly();
            }
        }
    }

    @Test
    @DisplayName(
            "Redis stops: onLost runs within the TTL of the last confirmed keep-alive, before the keys could expire")
    void lostWhenUnreachable() {
        try (Backend b = backend()) {
            KvLease lease = b.grantLease(TTL);
            b.put("u", bytes("v"), lease);
            AtomicLong lostAt = new AtomicLong();
            lease.onLost(() -> lostAt.set(System.nanoTime()));
            long stopped = System.nanoTime();
            redis.stop();
            await().atMost(TTL.plusSeconds(2)).until(() -> lostAt.get() != 0);
            // The last confirmed keep-alive was sent at most a third of the TTL before the stop.
            assertThat(Duration.ofNanos(lostAt.get() - stopped)).isLessThanOrEqualTo(TTL);
            assertThat(lease.isActive()).isFalse();
        } finally {
            redis.restart();
        }
    }

    @Test
    @DisplayName("Redis restarts empty: the next keep-alive finds the lease gone and onLost runs; a leased put fails")
    void lostWhenRestartedEmpty() {
        try (Backend b = backend()) {
            KvLease lease = b.grantLease(Duration.ofSeconds(30));
            b.put("r", bytes("v"), lease);
            AtomicLong lost = new AtomicLong();
            lease.onLost(lost::incrementAndGet);
            redis.stop();
            redis.restart();
            // With a 30 s TTL the loss deadline is far away: this is the keep-alive seeing the lease gone.
            await().atMost(Duration.ofSeconds(15)).until(() -> lost.get() == 1);
            assertThatThrownBy(() -> b.put("r2", bytes("v"), lease))
                    .isInstanceOf(KvStoreException.class)
                    .hasMessageContaining("lease " + lease.id());
            assertThat(b.exists("r2")).isFalse();
        }
    }

    @Test
    @DisplayName("a plain put over a leased key detaches it: no expiry, lease 0, and revoking the lease leaves it")
    void plainPutDetaches() {
        try (Backend b = backend()) {
            KvLease lease = b.grantLease(TTL);
            b.put("d", bytes("leased"), lease);
            b.put("d", "plain");
            assertThat(b.get("d")).map(KvPair::lease).hasValue(0L);
            assertThat(pttl("d")).isEqualTo(-1L);
            lease.revoke();
            assertThat(b.get("d")).map(KvPair::valueAsString).hasValue("plain");
        }
    }

    @Test
    @DisplayName("a compare-and-set over a leased key detaches it as a put does; a failed one leaves the lease")
    void compareAndSetDetaches() {
        try (Backend b = backend()) {
            KvLease lease = b.grantLease(TTL);
            b.put("e", bytes("leased"), lease);
            assertThat(b.commit(Txn.builder()
                                    .ifValue("e", bytes("other"))
                                    .put("e", bytes("x"))
                                    .build())
                            .succeeded())
                    .isFalse();
            assertThat(b.get("e")).map(KvPair::lease).hasValue(lease.id());
            assertThat(pttl("e")).isPositive();
            assertThat(b.commit(Txn.builder()
                                    .ifValue("e", bytes("leased"))
                                    .put("e", bytes("swapped"))
                                    .build())
                            .succeeded())
                    .isTrue();
            assertThat(b.get("e")).map(KvPair::lease).hasValue(0L);
            assertThat(pttl("e")).isEqualTo(-1L);
            lease.revoke();
            assertThat(b.get("e")).map(KvPair::valueAsString).hasValue("swapped");
        }
    }

    @Test
    @DisplayName(
            "a SET from redis-cli over a leased key detaches it: lease 0 after the next keep-alive, and revoke leaves it")
    void cliSetDetaches() {
        try (Backend b = backend()) {
            KvLease lease = b.grantLease(TTL);
            b.put("c", bytes("leased"), lease);
            redis.redisCli("SET", ns + "/c", "from-cli");
            await().atMost(TTL).until(() -> b.get("c").map(KvPair::lease).orElse(-1L) == 0L);
            lease.revoke();
            assertThat(b.get("c")).map(KvPair::valueAsString).hasValue("from-cli");
            assertThat(pttl("c")).isEqualTo(-1L);
        }
    }

    @Test
    @DisplayName(
            "a leased put inside a transaction; a revoked lease or another client's lease is refused, nothing written")
    void leasedPutInTxn() {
        try (Backend b = backend();
                Backend other = backend()) {
            KvLease lease = b.grantLease(TTL);
            assertThat(b.commit(Txn.builder()
                                    .ifAbsent("t1")
                                    .put("t1", bytes("a"), lease)
                                    .put("t2", bytes("b"))
                                    .build())
                            .succeeded())
                    .isTrue();
            assertThat(b.get("t1")).map(KvPair::lease).hasValue(lease.id());
            assertThat(b.get("t2")).map(KvPair::lease).hasValue(0L);
            assertThatThrownBy(() -> other.put("t3", bytes("c"), lease)).isInstanceOf(IllegalArgumentException.class);
            lease.revoke();
            assertThat(b.exists("t1")).isFalse();
            assertThat(b.exists("t2")).isTrue();
            assertThatThrownBy(() -> b.put("t4", bytes("d"), lease)).isInstanceOf(KvStoreException.class);
            assertThat(b.exists("t4")).isFalse();
        }
    }

    @Test
    @DisplayName("after SCRIPT FLUSH the scripts are loaded again: put, commit, grant, keep-alive and revoke go on")
    void noscriptReload() {
        try (Backend b = backend()) {
            b.put("s", "1");
            KvLease lease = b.grantLease(TTL);
            assertThat(redis.redisCli("SCRIPT", "EXISTS", RedisScripts.PUT.sha(), RedisScripts.GRANT.sha())
                            .strip())
                    .isEqualTo("1\n1");
            redis.redisCli("SCRIPT", "FLUSH");
            assertThat(redis.redisCli("SCRIPT", "EXISTS", RedisScripts.PUT.sha())
                            .strip())
                    .isEqualTo("0");
            b.put("s", "2");
            assertThat(redis.redisCli("SCRIPT", "EXISTS", RedisScripts.PUT.sha(), RedisScripts.TXN.sha())
                            .strip())
                    .isEqualTo("1\n0");
            assertThat(b.putIfAbsent("s", bytes("3"))).isFalse();
            assertThat(b.get("s")).map(KvPair::valueAsString).hasValue("2");
            b.put("leased", bytes("v"), lease);
            redis.redisCli("SCRIPT", "FLUSH");
            // keep-alives reload it too: the lease outlives several TTLs
            await().during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(3)).until(lease::isActive);
            redis.redisCli("SCRIPT", "FLUSH");
            lease.revoke();
            assertThat(b.exists("leased")).isFalse();
            assertThat(b.grantLease(TTL).id()).isGreaterThan(lease.id());
        }
    }

    @Test
    @DisplayName("version conditions are refused before sending; ifValue and putIfAbsent work")
    void noVersions() {
        try (Backend b = backend()) {
            assertThatThrownBy(() -> b.commit(
                            Txn.builder().ifVersion("v", 1).put("v", bytes("x")).build()))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> b.client().compareAndSet(ns + "/v", 0, bytes("x")))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(b.exists("v")).isFalse();
            assertThat(b.putIfAbsent("v", bytes("1"))).isTrue();
            assertThat(b.commit(Txn.builder()
                                    .ifValue("v", bytes("1"))
                                    .put("v", bytes("2"))
                                    .build())
                            .succeeded())
                    .isTrue();
            assertThat(b.commit(Txn.builder()
                                    .ifValue("v", bytes("1"))
                                    .put("v", bytes("3"))
                                    .build())
                            .succeeded())
                    .isFalse();
            assertThat(b.get("v")).map(KvPair::valueAsString).hasValue("2");
        }
    }
}
