package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.testing.FreePorts;
import dev.kvstore.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS options ({@code tls-ca-file}, {@code tls-cert-file}, {@code tls-key-file}, PEM files from
 * {@link TestCertificates}) against a ZooKeeper serving TLS only on its secure client port.
 */
class ZooKeeperTlsIT {

    @TempDir
    Path dir;

    /** Starts an in-process ZooKeeper whose secure port presents the server certificate of {@code certs}. */
    private TestingServer server(TestCertificates certs, int securePort, String clientAuth) throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        Path serverPem = dir.resolve("server-combined.pem");
        Files.writeString(serverPem, Files.readString(certs.serverCert()) + Files.readString(certs.serverKey()));
        Map<String, Object> props = Map.of(
                "secureClientPort",
                String.valueOf(securePort),
                "serverCnxnFactory",
                "org.apache.zookeeper.server.NettyServerCnxnFactory",
                "ssl.keyStore.location",
                serverPem.toString(),
                "ssl.keyStore.type",
                "PEM",
                "ssl.trustStore.location",
                certs.caCert().toString(),
                "ssl.trustStore.type",
                "PEM",
                "ssl.clientAuth",
                clientAuth);
        Path data = Files.createDirectories(dir.resolve("data-" + securePort));
        InstanceSpec spec =
                new InstanceSpec(data.toFile(), FreePorts.next(), -1, -1, true, -1, 1000, 0, props, "127.0.0.1");
        return new TestingServer(spec, true);
    }

    private static KvStoreConfig.Builder config(int port, Duration timeout) {
        return KvStoreConfig.builder()
                .storeType("zookeeper")
                .address("127.0.0.1:" + port)
                .timeout(timeout);
    }

    @Test
    @DisplayName("tls-ca-file connects to the secure port; without TLS, or trusting another CA, it does not answer")
    void serverTls() throws Exception {
        TestCertificates certs = TestCertificates.generate(dir.resolve("certs"));
        TestCertificates other = TestCertificates.generate(dir.resolve("other"));
        int securePort = FreePorts.next();
        try (TestingServer server = server(certs, securePort, "none")) {
            assertThat(server.getPort()).as("plain client port, unused").isNotEqualTo(securePort);
            try (KvStoreClient client = new ZooKeeperKvStoreProvider()
                    .create(config(securePort, Duration.ofSeconds(5))
                            .option(ZooKeeperOptions.TLS_CA_FILE, certs.caCert().toString())
                            .build())) {
                client.put("tls/k", "secret".getBytes(StandardCharsets.UTF_8)).join();
                assertThat(client.get("tls/k").join())
                        .get()
                        .extracting(KvPair::valueAsString)
                        .isEqualTo("secret");
            }
            try (KvStoreClient plain = new ZooKeeperKvStoreProvider()
                    .create(config(securePort, Duration.ofSeconds(2)).build())) {
                assertThatThrownBy(() -> plain.get("tls/k").join())
                        .hasCauseInstanceOf(KvStoreUnavailableException.class);
            }
            try (KvStoreClient wrongCa = new ZooKeeperKvStoreProvider()
                    .create(config(securePort, Duration.ofSeconds(2))
                            .option(ZooKeeperOptions.TLS_CA_FILE, other.caCert().toString())
                            .build())) {
                assertThatThrownBy(() -> wrongCa.get("tls/k").join())
                        .hasCauseInstanceOf(KvStoreUnavailableException.class);
            }
        }
    }

    @Test
    @DisplayName(
            "mutual TLS: tls-cert-file and tls-key-file present the client certificate; without them the server refuses")
    void mutualTls() throws Exception {
        TestCertificates certs = TestCertificates.generate(dir.resolve("certs"));
        int securePort = FreePorts.next();
        try (TestingServer server = server(certs, securePort, "need")) {
            try (KvStoreClient client = new ZooKeeperKvStoreProvider()
                    .create(config(securePort, Duration.ofSeconds(5))
                            .option(ZooKeeperOptions.TLS_CA_FILE, certs.caCert().toString())
                            .option(
                                    ZooKeeperOptions.TLS_CERT_FILE,
                                    certs.clientCert().toString())
                            .option(
                                    ZooKeeperOptions.TLS_KEY_FILE,
                                    certs.clientKey().toString())
                            .build())) {
                client.put("mtls/k", "v".getBytes(StandardCharsets.UTF_8)).join();
                assertThat(client.get("mtls/k").join())
                        .get()
                        .extracting(KvPair::valueAsString)
                        .isEqualTo("v");
            }
            try (KvStoreClient noCert = new ZooKeeperKvStoreProvider()
                    .create(config(securePort, Duration.ofSeconds(2))
                            .option(ZooKeeperOptions.TLS_CA_FILE, certs.caCert().toString())
                            .build())) {
                assertThatThrownBy(() -> noCert.get("mtls/k").join())
                        .hasCauseInstanceOf(KvStoreUnavailableException.class);
            }
        }
    }

    @Test
    @DisplayName("a client key that is not PKCS#8 PEM fails at create, naming tls-key-file")
    void badKey() throws Exception {
        TestCertificates certs = TestCertificates.generate(dir.resolve("certs"));
        Path notPkcs8 = Files.writeString(
                dir.resolve("bad-key.pem"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> new ZooKeeperKvStoreProvider()
                        .create(config(1, Duration.ofSeconds(1))
                                .option(
                                        ZooKeeperOptions.TLS_CERT_FILE,
                                        certs.clientCert().toString())
                                .option(ZooKeeperOptions.TLS_KEY_FILE, notPkcs8.toString())
                                .build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-key-file");
    }
}
