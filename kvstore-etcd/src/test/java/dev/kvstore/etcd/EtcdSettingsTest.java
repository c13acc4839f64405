package dev.kvstore.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.spi.KvStoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options are checked before anything connects. */
class EtcdSettingsTest {

    @TempDir
    Path dir;

    private static KvStoreConfig.Builder config() {
        return KvStoreConfig.builder().storeType("etcd").address("127.0.0.1:2379");
    }

    @Test
    @DisplayName("the provider is found by ServiceLoader under storeType etcd")
    void registered() {
        assertThat(ServiceLoader.load(KvStoreProvider.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .map(KvStoreProvider::storeType))
                .contains("etcd");
    }

    @Test
    @DisplayName("defaults: no auth, no TLS, connect timeout = timeout, value limit from 1.5 MiB")
    void defaults() {
        EtcdSettings s =
                EtcdSettings.from(config().timeout(Duration.ofSeconds(3)).build());
        assertThat(s.endpoints()).hasSize(1);
        assertThat(s.username()).isEmpty();
        assertThat(s.tls()).isFalse();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.maxValueSize()).isEqualTo(1_572_864L - 1024);
        assertThat(s.maxTxnOps()).isEqualTo(128);
    }

    @Test
    @DisplayName("max-value-bytes lowers the value limit but may not pass max-request-bytes minus 1 KiB")
    void maxValueBytes() {
        assertThat(EtcdSettings.from(config().option("max-value-bytes", "1000").build())
                        .maxValueSize())
                .isEqualTo(1000);
        assertThat(EtcdSettings.from(config().option("max-request-bytes", "10485760")
                                .option("max-value-bytes", "10484736")
                                .build())
                        .maxValueSize())
                .isEqualTo(10_484_736L);
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("max-value-bytes", "1572864").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("max-value-bytes")
                .hasMessageContaining("max-request-bytes");
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("max-value-bytes", "-1").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("max-value-bytes");
    }

    @Test
    @DisplayName("max-txn-ops follows the server's --max-txn-ops and must be positive")
    void maxTxnOps() {
        assertThat(EtcdSettings.from(config().option("max-txn-ops", "512").build())
                        .maxTxnOps())
                .isEqualTo(512);
        assertThatThrownBy(() ->
                        EtcdSettings.from(config().option("max-txn-ops", "0").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("max-txn-ops");
        assertThatThrownBy(() ->
                        EtcdSettings.from(config().option("max-txn-ops", "many").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("max-txn-ops");
    }

    @Test
    @DisplayName("several endpoints, a connect timeout and a higher request limit are taken")
    void options() {
        EtcdSettings s = EtcdSettings.from(config().address("10.0.0.1:2379, 10.0.0.2:2379,[::1]:2379")
                .option("connect-timeout", "750ms")
                .option("max-request-bytes", "10485760")
                .option("username", "root")
                .option("password", "s3cret")
                .build());
        assertThat(s.endpoints())
                .extracting(Object::toString)
                .containsExactly("10.0.0.1:2379", "10.0.0.2:2379", "[::1]:2379");
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(s.maxValueSize()).isEqualTo(10_485_760L - 1024);
        assertThat(s.username()).contains("root");
        assertThat(s.toString()).doesNotContain("s3cret");
    }

    @Test
    @DisplayName("an unknown option is refused, naming it and the known ones")
    void unknownOption() {
        assertThatThrownBy(
                        () -> EtcdSettings.from(config().option("pasword", "x").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("pasword")
                .hasMessageContaining("password");
    }

    @Test
    @DisplayName("an old option name fails with the name to use instead")
    void oldNames() {
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("maxValueSize", "1000").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("maxValueSize")
                .hasMessageContaining("max-value-bytes");
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("connectTimeout", "1s").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("connect-timeout");
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("tls.trustStore", "/x.jks").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-ca-file");
    }

    @Test
    @DisplayName("a malformed or missing address is refused")
    void badAddress() {
        assertThatThrownBy(() -> EtcdSettings.from(config().address("localhost").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("localhost");
        assertThatThrownBy(() -> EtcdSettings.from(config().address("").build()))
                .isInstanceOf(KvStoreConfigurationException.class);
        assertThatThrownBy(() -> EtcdSettings.from(config().address("h:99999").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("99999");
    }

    @Test
    @DisplayName("username and password go together")
    void credentialsTogether() {
        assertThatThrownBy(() ->
                        EtcdSettings.from(config().option("username", "root").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(
                        () -> EtcdSettings.from(config().option("password", "x").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("username");
    }

    @Test
    @DisplayName("TLS files must exist, and certificate and key go together")
    void tlsFiles() throws IOException {
        Path cert = Files.writeString(dir.resolve("client.pem"), "not really a certificate");
        assertThatThrownBy(() -> EtcdSettings.from(config().option(
                                "tls-ca-file", dir.resolve("missing.pem").toString())
                        .build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-ca-file")
                .hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("tls-cert-file", cert.toString()).build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-key-file");
        assertThatThrownBy(() -> EtcdSettings.from(config().option("tls", "false")
                        .option("tls-ca-file", cert.toString())
                        .build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls");
        assertThat(EtcdSettings.from(
                                config().option("tls-ca-file", cert.toString()).build())
                        .tls())
                .isTrue();
        assertThat(EtcdSettings.from(config().option("tls", "true").build()).tls())
                .isTrue();
    }

    @Test
    @DisplayName("a TLS file that is not PEM fails at create, naming the TLS options")
    void unreadableCertificate() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "garbage");
        assertThatThrownBy(() -> new EtcdKvStoreProvider()
                        .create(config().option("tls-ca-file", ca.toString()).build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-ca-file");
    }

    @Test
    @DisplayName("bad numbers and durations are refused, naming the option")
    void badValues() {
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("connect-timeout", "soon").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("connect-timeout");
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("connect-timeout", "0").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("connect-timeout");
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("max-request-bytes", "lots").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("max-request-bytes");
        assertThatThrownBy(() -> EtcdSettings.from(
                        config().option("max-request-bytes", "100").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("max-request-bytes");
        assertThatThrownBy(() -> EtcdSettings.from(config().option("tls", "yes").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls");
    }

    @Test
    @DisplayName("create opens no connection: a client for a port nobody listens on is made and closed")
    void createDoesNotConnect() {
        KvStoreClient client =
                new EtcdKvStoreProvider().create(config().address("127.0.0.1:1").build());
        assertThat(client.maxValueSize()).isPositive();
        client.close();
        client.close();
    }
}
