package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.testing.FreePorts;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls} options against a ZooKeeper serving TLS only on its secure client port. */
class ZooKeeperTlsIT {

    private static final String PASS = "changeit";

    @TempDir
    Path dir;

    @Test
    @DisplayName("tls=true with a trust store connects to the secure port; without TLS the secure port does not answer")
    void tls() throws Exception {
        Path serverStore = dir.resolve("server.p12");
        Path trustStore = dir.resolve("trust.p12");
        Path cert = dir.resolve("server.crt");
        keytool("-genkeypair", "-alias", "zk", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", serverStore.toString(), "-storepass", PASS);
        keytool("-exportcert", "-alias", "zk", "-keystore", serverStore.toString(), "-storepass", PASS,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "zk", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", PASS);

        System.setProperty("zookeeper.admin.enableServer", "false");
        int securePort = FreePorts.next();
        Map<String, Object> props = Map.of(
                "secureClientPort", String.valueOf(securePort),
                "serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory",
                "ssl.keyStore.location", serverStore.toString(),
                "ssl.keyStore.password", PASS,
                "ssl.trustStore.location", trustStore.toString(),
                "ssl.trustStore.password", PASS,
                "ssl.clientAuth", "none");
        Path data = Files.createDirectories(dir.resolve("data"));
        InstanceSpec spec = new InstanceSpec(data.toFile(), FreePorts.next(), -1, -1, true, -1, 1000, 0, props,
                "127.0.0.1");
        try (TestingServer server = new TestingServer(spec, true)) {
            assertThat(server.getPort()).as("plain client port, unused").isNotEqualTo(securePort);
            KvStoreConfig.Builder config = KvStoreConfig.builder().storeType("zookeeper")
                    .address("127.0.0.1:" + securePort).timeout(Duration.ofSeconds(5));
            try (KvStoreClient client = new ZooKeeperKvStoreProvider().create(config
                    .option(ZooKeeperOptions.TLS, "true")
                    .option(ZooKeeperOptions.TLS_TRUST_STORE, trustStore.toString())
                    .option(ZooKeeperOptions.TLS_TRUST_STORE_PASSWORD, PASS).build())) {
                client.put("tls/k", "secret".getBytes(StandardCharsets.UTF_8)).join();
                assertThat(client.get("tls/k").join()).get().extracting(KvPair::valueAsString).isEqualTo("secret");
            }
            try (KvStoreClient plain = new ZooKeeperKvStoreProvider().create(KvStoreConfig.builder()
                    .storeType("zookeeper").address("127.0.0.1:" + securePort).timeout(Duration.ofSeconds(2)).build())) {
                assertThatThrownBy(() -> plain.get("tls/k").join()).hasCauseInstanceOf(KvStoreUnavailableException.class);
            }
        }
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool %s", List.of(args)).isZero();
    }
}
