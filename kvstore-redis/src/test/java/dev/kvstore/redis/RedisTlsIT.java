package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
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

/** The TLS options against a real TLS-only Redis, with certificates made by the test. */
class RedisTlsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** What a failure may take beyond the timeout: scheduling on a loaded 2-core machine. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private static RedisTls tls;
    private static RedisServer redis;

    private String ns;

    @BeforeAll
    static void startRedis() {
        tls = RedisTls.generate();
        redis = RedisServer.startWithTls(tls);
    }

    @AfterAll
    static void stopRedis() {
        try {
            redis.close();
        } finally {
            tls.close();
        }
    }

    @BeforeEach
    void namespace() {
        ns = "tls-" + UUID.randomUUID();
    }

    private Backend.Builder tlsBackend() {
        return Backend.builder()
                .storeType("redis")
                .address(redis.address())
                .timeout(TIMEOUT)
                .pathPrefix(ns)
                .option(RedisOptions.TLS, "true");
    }

    @Test
    @DisplayName(
            "trusting the test CA (tls-ca-file): put, get, list and a watch (keyspace notifications over TLS pub/sub) work")
    void trustedCa() {
        try (Backend b = tlsBackend()
                .option(RedisOptions.TLS_CA_FILE, tls.caCertificate().toString())
                .build()) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            b.createWatch("w/", true, events::add);
            b.put("w/a", "1");
            assertThat(b.get("w/a"))
                    .hasValueSatisfying(p -> assertThat(p.valueAsString()).isEqualTo("1"));
            assertThat(redis.redisCli("GET", ns + "/w/a")).isEqualTo("1");
            redis.redisCli("SET", ns + "/w/b", "2");
            b.delete("w/a");
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(events)
                            .extracting(
                                    KvEvent::type,
                                    e -> e.key().substring(e.key().lastIndexOf('/') + 1))
                            .containsExactly(
                                    tuple(EventType.PUT, "a"),
                                    tuple(EventType.PUT, "b"),
                                    tuple(EventType.DELETE, "a")));
            assertThat(b.list("w/")).hasSize(1);
            assertThat(b.performLivenessCheck()).isTrue();
        }
    }

    @Test
    @DisplayName("tls-verify-peer=false connects without trusting the server's certificate")
    void noVerification() {
        try (Backend b =
                tlsBackend().option(RedisOptions.TLS_VERIFY_PEER, "false").build()) {
            b.put("k", "v");
            assertThat(b.get("k")).isPresent();
        }
    }

    @Test
    @DisplayName(
            "trusting another CA, or only the JVM's trust store, every operation fails within the timeout with KvStoreUnavailableException naming the certificate problem")
    void untrustedCertificate() {
        try (Backend b = tlsBackend()
                .option(RedisOptions.TLS_CA_FILE, tls.otherCaCertificate().toString())
                .build()) {
            assertFailsInTime(() -> b.put("k", "v")).hasMessageContaining("unable to find valid certification path");
            assertFailsInTime(() -> b.get("k"));
            assertFailsInTime(() -> b.createWatch("k", false, e -> {}));
            assertThat(b.performLivenessCheck()).isFalse();
            assertThat(b.isAlive()).isFalse();
        }
        try (Backend b = tlsBackend().build()) {
            assertFailsInTime(() -> b.get("k")).hasMessageContaining("unable to find valid certification path");
        }
        assertThat(redis.redisCli("EXISTS", ns + "/k")).isEqualTo("0");
    }

    @Test
    @DisplayName("a plain (non-TLS) client against the TLS port fails within the timeout")
    void plainClientOnTlsPort() {
        try (Backend b = Backend.builder()
                .storeType("redis")
                .address(redis.address())
                .timeout(TIMEOUT)
                .pathPrefix(ns)
                .build()) {
            assertFailsInTime(() -> b.put("k", "v"));
            assertFailsInTime(() -> b.get("k"));
            assertThat(b.performLivenessCheck()).isFalse();
        }
    }

    @Test
    @DisplayName("a TLS client against a plain Redis fails within the timeout")
    void tlsClientOnPlainPort() {
        try (RedisServer plain = RedisServer.startWithoutPersistence();
                Backend b = Backend.builder()
                        .storeType("redis")
                        .address(plain.address())
                        .timeout(TIMEOUT)
                        .pathPrefix(ns)
                        .option(RedisOptions.TLS, "true")
                        .option(RedisOptions.TLS_CA_FILE, tls.caCertificate().toString())
                        .build()) {
            assertFailsInTime(() -> b.put("k", "v")).hasMessageContaining("within");
            assertThat(plain.redisCli("EXISTS", ns + "/k")).isEqualTo("0");
        }
    }

    @Test
    @DisplayName(
            "restart over TLS: the watch gets CONNECTION_DOWN, then UNKNOWN after the TLS reconnect, and new writes again")
    void restartOverTls() {
        try (Backend b = tlsBackend()
                .option(RedisOptions.TLS_CA_FILE, tls.caCertificate().toString())
                .build()) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            b.createWatch("r/", true, events::add, WatchOptions.defaults().withResync(false));
            redis.restart();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.stream().anyMatch(e -> e.type() == EventType.UNKNOWN));
            assertThat(events).extracting(KvEvent::type).startsWith(EventType.CONNECTION_DOWN);
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(b::performLivenessCheck);
            b.put("r/after", "1");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> events.stream()
                            .anyMatch(e -> e.type() == EventType.PUT && e.key().endsWith("r/after")));
        }
    }

    @Test
    @DisplayName("mutual TLS: with tls-cert-file and tls-key-file the client is let in, without them it is not")
    void clientCertificate() {
        try (RedisServer mutual = RedisServer.startWithMutualTls(tls)) {
            Backend.Builder builder = Backend.builder()
                    .storeType("redis")
                    .address(mutual.address())
                    .timeout(TIMEOUT)
                    .pathPrefix(ns)
                    .option(RedisOptions.TLS, "true")
                    .option(RedisOptions.TLS_CA_FILE, tls.caCertificate().toString());
            try (Backend b = builder.option(
                            RedisOptions.TLS_CERT_FILE, tls.clientCertificate().toString())
                    .option(RedisOptions.TLS_KEY_FILE, tls.clientKey().toString())
                    .build()) {
                b.put("m", "1");
                assertThat(mutual.redisCli("GET", ns + "/m")).isEqualTo("1");
            }
            try (Backend b = Backend.builder()
                    .storeType("redis")
                    .address(mutual.address())
                    .timeout(TIMEOUT)
                    .pathPrefix(ns)
                    .option(RedisOptions.TLS, "true")
                    .option(RedisOptions.TLS_CA_FILE, tls.caCertificate().toString())
                    .build()) {
                assertFailsInTime(() -> b.put("m", "2")).hasMessageContaining("certificate_required");
            }
            assertThat(mutual.redisCli("GET", ns + "/m")).isEqualTo("1");
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
