package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.RedisTls;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * storeType {@code redis-cluster} against a real six-node cluster that speaks TLS only (between
 * nodes and to masters too), with certificates made by the test.
 */
class RedisClusterTlsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** What a failure may take beyond the timeout: scheduling on a loaded 2-core machine. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private static RedisTls tls;
    private static RedisClusterServer cluster;

    private String ns;

    @BeforeAll
    static void startCluster() {
        tls = RedisTls.generate();
        cluster = RedisClusterServer.builder().tls(tls).start();
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            tls.close();
        }
    }

    @BeforeEach
    void namespace() {
        ns = "ctls-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Backend.Builder backend(RedisClusterServer target) {
        return Backend.builder()
                .storeType("redis-cluster")
                .address(target.address())
                .timeout(TIMEOUT)
                .pathPrefix(ns);
    }

    private Backend.Builder tlsBackend(RedisClusterServer target) {
        return backend(target).option(RedisOptions.TLS, "true");
    }

    @Test
    @DisplayName("trusting the test CA (tls-ca-file): put, get, list and a prefix watch work with keys on every master")
    void trustedCa() {
        try (Backend b = tlsBackend(cluster)
                .option(RedisOptions.TLS_CA_FILE, tls.caCertificate().toString())
                .build()) {
            EveryMaster.check(cluster, b);
        }
    }

    @Test
    @DisplayName(
            "one replica as the only seed: the masters found from it are reached over TLS too; after a failover the store and a watch follow the promoted replica")
    void singleSeedAndFailover() {
        RedisServer seed = cluster.replicas().get(0);
        try (Backend b = tlsBackend(cluster)
                .address(seed.address())
                .option(RedisOptions.TLS_CA_FILE, tls.caCertificate().toString())
                .build()) {
            EveryMaster.check(cluster, b);
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            b.createWatch("f/", true, events::add);
            String key = "f/after";
            RedisServer master = cluster.masterOf(b.fullKey(key));
            RedisServer replica = cluster.replicas().stream()
                    .filter(r -> cluster.masterOfReplica(r).equals(master))
                    .findFirst()
                    .orElseThrow();
            cluster.failover(replica);
            cluster.awaitHealthy();
            assertThat(cluster.masterOf(b.fullKey(key))).isEqualTo(replica);
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
                b.put(key, "1");
                assertThat(events)
                        .anyMatch(e -> e.type() == EventType.PUT && e.key().equals(b.fullKey(key)));
            });
            assertThat(replica.redisCli("GET", b.fullKey(key))).isEqualTo("1");
        }
    }

    @Test
    @DisplayName(
            "trusting another CA, or only the JVM's trust store: operations fail within the timeout with KvStoreUnavailableException naming the certificate problem")
    void untrustedCertificate() {
        try (Backend b = tlsBackend(cluster)
                .option(RedisOptions.TLS_CA_FILE, tls.otherCaCertificate().toString())
                .build()) {
            assertFailsInTime(() -> b.put("k", "v")).hasMessageContaining("unable to find valid certification path");
            assertFailsInTime(() -> b.get("k")).hasMessageContaining("unable to find valid certification path");
            assertFailsInTime(() -> b.createWatch("k", false, e -> {}));
            assertThat(b.performLivenessCheck()).isFalse();
        }
        try (Backend b = tlsBackend(cluster).build()) {
            assertFailsInTime(() -> b.get("k")).hasMessageContaining("unable to find valid certification path");
        }
        assertNothingWritten(cluster);
    }

    @Test
    @DisplayName("a plain (non-TLS) client against the TLS-only cluster fails within the timeout")
    void plainClient() {
        try (Backend b = backend(cluster).build()) {
            assertFailsInTime(() -> b.put("k", "v"));
            assertFailsInTime(() -> b.get("k"));
            assertThat(b.performLivenessCheck()).isFalse();
        }
        assertNothingWritten(cluster);
    }

    @Test
    @DisplayName(
            "mutual TLS and a password: with tls-cert-file, tls-key-file and the password every master serves; without the client certificate the handshake is refused within the timeout")
    void mutualTlsWithPassword() {
        try (RedisClusterServer mutual =
                RedisClusterServer.builder().password("mtls-pw").mutualTls(tls).start()) {
            Backend.Builder trusting = tlsBackend(mutual)
                    .option(RedisOptions.TLS_CA_FILE, tls.caCertificate().toString())
                    .option(RedisOptions.PASSWORD, "mtls-pw");
            try (Backend b = trusting.option(
                            RedisOptions.TLS_CERT_FILE, tls.clientCertificate().toString())
                    .option(RedisOptions.TLS_KEY_FILE, tls.clientKey().toString())
                    .build()) {
                EveryMaster.check(mutual, b);
            }
            try (Backend b = tlsBackend(mutual)
                    .option(RedisOptions.TLS_CA_FILE, tls.caCertificate().toString())
                    .option(RedisOptions.PASSWORD, "mtls-pw")
                    .build()) {
                assertFailsInTime(() -> b.put("k", "2")).hasMessageContaining("certificate_required");
            }
            assertNothingWritten(mutual);
        }
    }

    private void assertNothingWritten(RedisClusterServer target) {
        for (RedisServer master : target.masters()) {
            assertThat(master.redisCli("KEYS", ns + "/k*")).as(master.address()).isEmpty();
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFailsInTime(ThrowingCallable op) {
        long start = System.nanoTime();
        Throwable failure = null;
        try {
            op.call();
        } catch (Throwable t) {
            failure = t;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("time to fail").isLessThan(TIMEOUT.plus(MARGIN));
        return assertThat(failure).isInstanceOf(KvStoreUnavailableException.class);
    }
}
