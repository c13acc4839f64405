package dev.kvstore.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS options against real etcd servers serving clients over TLS only: one that only proves
 * itself (server TLS) and one that also requires a client certificate (mutual TLS), with
 * certificates made by {@code openssl} at run time.
 */
class EtcdTlsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The timeout of Backends expected to fail: failing must take about this long, no more. */
    private static final Duration FAIL_TIMEOUT = Duration.ofSeconds(1);

    private static final long MARGIN_MILLIS = 2_000;

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static TestCertificates otherCa;
    private static EtcdServer serverTls;
    private static EtcdServer mutualTls;

    @BeforeAll
    static void start() {
        certs = TestCertificates.generate(dir.resolve("good"));
        otherCa = TestCertificates.generate(dir.resolve("other"));
        serverTls = EtcdServer.startWithTls(certs);
        mutualTls = EtcdServer.startWithMutualTls(certs);
    }

    @AfterAll
    static void stop() {
        if (serverTls != null) {
            serverTls.close();
        }
        if (mutualTls != null) {
            mutualTls.close();
        }
    }

    private static Backend backend(EtcdServer etcd, Duration timeout, Map<String, String> options) {
        return Backend.builder()
                .storeType("etcd")
                .address(etcd.address())
                .timeout(timeout)
                .pathPrefix("tls-it/" + UUID.randomUUID())
                .options(options)
                .build();
    }

    /** put, get and a watch through {@code b}; the value is also read back with etcdctl over TLS. */
    private static void putGetWatch(Backend b, EtcdServer etcd) {
        List<KvEvent> events = new CopyOnWriteArrayList<>();
        KvWatch watch = b.createWatch("w", false, events::add);
        b.put("w", "v1");
        assertThat(b.get("w").orElseThrow().valueAsString()).isEqualTo("v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        assertThat(events).containsExactly(KvEvent.put(b.fullKey("w"), "v1".getBytes(UTF_8), 1));
        assertThat(new String(etcd.etcdctl("get", "--print-value-only", b.fullKey("w")), UTF_8))
                .isEqualTo("v1\n");
        assertThat(b.performLivenessCheck()).isTrue();
        b.deleteWatch(watch);
    }

    /**
     * A put through {@code b} fails with {@link KvStoreUnavailableException} within its timeout plus
     * a margin (no hang), and stores nothing. A refused TLS handshake is, to gRPC, a connection that
     * cannot be made: the call waits for one until its deadline, so the failure is "unavailable",
     * never a configuration error.
     */
    private static void failsInTime(Backend b, EtcdServer etcd) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> b.put("k", "v"))
                .isInstanceOf(KvStoreUnavailableException.class)
                .hasCauseInstanceOf(Exception.class);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsedMillis)
                .as("failing put with timeout %s", FAIL_TIMEOUT)
                .isLessThan(FAIL_TIMEOUT.toMillis() + MARGIN_MILLIS);
        assertThat(b.isAlive()).isFalse();
        assertThat(etcd.etcdctl("get", b.fullKey("k"))).isEmpty();
    }

    @Test
    @DisplayName("server TLS with tls-ca-file: put, get and watch work")
    void serverTlsWithCa() {
        try (Backend b = backend(
                serverTls,
                TIMEOUT,
                Map.of(EtcdOptions.TLS_CA_FILE, certs.caCert().toString()))) {
            putGetWatch(b, serverTls);
        }
    }

    @Test
    @DisplayName("mutual TLS with the client certificate and key: put, get and watch work")
    void mutualTlsWithClientCertificate() {
        try (Backend b = backend(
                mutualTls,
                TIMEOUT,
                Map.of(
                        EtcdOptions.TLS_CA_FILE,
                        certs.caCert().toString(),
                        EtcdOptions.TLS_CERT_FILE,
                        certs.clientCert().toString(),
                        EtcdOptions.TLS_KEY_FILE,
                        certs.clientKey().toString()))) {
            putGetWatch(b, mutualTls);
        }
    }

    @Test
    @DisplayName(
            "a client key that is not PKCS#8 (openssl's traditional EC form) fails create with KvStoreConfigurationException")
    void traditionalKeyFormatIsAConfigurationError() throws Exception {
        Path sec1 = dir.resolve("client-key-sec1.pem");
        Process openssl = new ProcessBuilder(
                        "openssl", "ec", "-in", certs.clientKey().toString(), "-out", sec1.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(openssl.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).isZero();
        assertThat(sec1).content().startsWith("-----BEGIN EC PRIVATE KEY-----");
        KvStoreConfig config = KvStoreConfig.builder()
                .storeType("etcd")
                .address(mutualTls.address())
                .option(EtcdOptions.TLS_CA_FILE, certs.caCert().toString())
                .option(EtcdOptions.TLS_CERT_FILE, certs.clientCert().toString())
                .option(EtcdOptions.TLS_KEY_FILE, sec1.toString())
                .build();
        assertThatThrownBy(() -> new EtcdKvStoreProvider().create(config).close())
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining(EtcdOptions.TLS_KEY_FILE);
    }

    @Test
    @DisplayName("mutual TLS without a client certificate: unavailable within the timeout, liveness check false")
    void mutualTlsWithoutClientCertificate() {
        try (Backend b = backend(
                mutualTls,
                FAIL_TIMEOUT,
                Map.of(EtcdOptions.TLS_CA_FILE, certs.caCert().toString()))) {
            failsInTime(b, mutualTls);
            assertThat(b.performLivenessCheck()).isFalse();
        }
    }

    @Test
    @DisplayName("a CA that did not sign the server's certificate: unavailable within the timeout")
    void wrongCa() {
        try (Backend b = backend(
                serverTls,
                FAIL_TIMEOUT,
                Map.of(EtcdOptions.TLS_CA_FILE, otherCa.caCert().toString()))) {
            failsInTime(b, serverTls);
        }
    }

    @Test
    @DisplayName("a client certificate from another CA against mutual TLS: unavailable within the timeout")
    void clientCertificateFromOtherCa() {
        try (Backend b = backend(
                mutualTls,
                FAIL_TIMEOUT,
                Map.of(
                        EtcdOptions.TLS_CA_FILE,
                        certs.caCert().toString(),
                        EtcdOptions.TLS_CERT_FILE,
                        otherCa.clientCert().toString(),
                        EtcdOptions.TLS_KEY_FILE,
                        otherCa.clientKey().toString()))) {
            failsInTime(b, mutualTls);
        }
    }

    @Test
    @DisplayName("plain text against a TLS-only server: unavailable within the timeout")
    void plainTextAgainstTls() {
        try (Backend b = backend(serverTls, FAIL_TIMEOUT, Map.of())) {
            failsInTime(b, serverTls);
        }
    }
}
