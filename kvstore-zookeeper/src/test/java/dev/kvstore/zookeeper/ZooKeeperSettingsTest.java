package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperSettingsTest {

    @TempDir
    Path dir;

    private static KvStoreConfig.Builder config() {
        return KvStoreConfig.builder().storeType("zookeeper").address("127.0.0.1:2181, 127.0.0.2:2182");
    }

    @Test
    @DisplayName("defaults: root /kvstore, 10 s sessions, 1020 KiB values, no TLS, no credentials")
    void defaults() {
        ZooKeeperSettings s = ZooKeeperSettings.of(config().build());
        assertThat(s.connectString()).isEqualTo("127.0.0.1:2181,127.0.0.2:2182");
        assertThat(s.paths().root()).isEqualTo("/kvstore");
        assertThat(s.sessionTimeout()).isEqualTo(ZooKeeperOptions.DEFAULT_SESSION_TIMEOUT);
        assertThat(s.maxValueSize()).isEqualTo(1020 * 1024);
        assertThat(s.tls()).isFalse();
        assertThat(s.username()).isEmpty();
    }

    @Test
    @DisplayName("kebab-case options are parsed; the password is never printed")
    void options() {
        ZooKeeperSettings s = ZooKeeperSettings.of(config().option("root-path", "/")
                .option("session-timeout", "10s")
                .option("username", "u")
                .option("password", "pw-secret")
                .option("max-value-bytes", "4000000")
                .build());
        assertThat(s.paths().root()).isEqualTo("/");
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxValueSize()).isEqualTo(4_000_000);
        assertThat(s.toString()).doesNotContain("pw-secret").contains("username=u");
    }

    @Test
    @DisplayName(
            "TLS from PEM files: any tls-*-file turns TLS on; cert and key go together; tls=false with files fails")
    void tlsFiles() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        Path key = Files.writeString(dir.resolve("k.pem"), "x");
        ZooKeeperSettings s = ZooKeeperSettings.of(
                config().option("tls-ca-file", ca.toString()).build());
        assertThat(s.tls()).isTrue();
        assertThat(s.caFile()).contains(ca);
        s = ZooKeeperSettings.of(config().option("tls-cert-file", cert.toString())
                .option("tls-key-file", key.toString())
                .build());
        assertThat(s.tls()).isTrue();
        assertThat(ZooKeeperSettings.of(config().option("tls", "true").build()).tls())
                .isTrue();
        assertThatThrownBy(() -> ZooKeeperSettings.of(
                        config().option("tls-cert-file", cert.toString()).build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-key-file");
        assertThatThrownBy(() -> ZooKeeperSettings.of(config().option("tls", "false")
                        .option("tls-ca-file", ca.toString())
                        .build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls");
        assertThatThrownBy(() -> ZooKeeperSettings.of(
                        config().option("tls-ca-file", dir.resolve("none.pem").toString())
                                .build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-ca-file");
    }

    @Test
    @DisplayName("an option name of earlier versions fails, naming its replacement")
    void renamed() {
        Map<String, String> expected = Map.of(
                "rootPath",
                "root-path",
                "sessionTimeout",
                "session-timeout",
                "maxValueSize",
                "max-value-bytes",
                "tls.trustStore",
                "tls-ca-file",
                "tls.trustStorePassword",
                "tls-ca-file",
                "tls.keyStore",
                "tls-key-file",
                "tls.keyStorePassword",
                "tls-key-file");
        assertThat(ZooKeeperOptions.RENAMED.keySet()).isEqualTo(expected.keySet());
        expected.forEach((old, hint) -> assertThatThrownBy(() -> new ZooKeeperKvStoreProvider()
                        .create(config().option(old, "x").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining(old)
                .hasMessageContaining(hint));
    }

    @Test
    @DisplayName("malformed addresses and options fail before connecting, naming the setting")
    void invalid() {
        assertThatThrownBy(() -> ZooKeeperSettings.of(KvStoreConfig.builder()
                        .storeType("zookeeper")
                        .address("nohost")
                        .build()))
                .isInstanceOf(KvStoreConfigurationException.class);
        assertThatThrownBy(() -> ZooKeeperSettings.of(
                        KvStoreConfig.builder().storeType("zookeeper").build()))
                .isInstanceOf(KvStoreConfigurationException.class);
        assertThatThrownBy(() -> ZooKeeperSettings.of(
                        config().option("root-path", "kvstore").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("root-path");
        assertThatThrownBy(() -> ZooKeeperSettings.of(
                        config().option("session-timeout", "soon").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("session-timeout");
        assertThatThrownBy(() ->
                        ZooKeeperSettings.of(config().option("username", "u").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> ZooKeeperSettings.of(config().option("username", "a:b")
                        .option("password", "p")
                        .build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("username");
        assertThatThrownBy(
                        () -> ZooKeeperSettings.of(config().option("tls", "yes").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls");
        assertThatThrownBy(() -> ZooKeeperSettings.of(
                        config().option("max-value-bytes", "0").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("max-value-bytes");
        assertThatThrownBy(() ->
                        ZooKeeperSettings.of(config().option("rootpath", "/x").build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("rootpath");
    }

    @Test
    @DisplayName("the provider fails at create on a bad option, and serves storeType zookeeper")
    void provider() {
        ZooKeeperKvStoreProvider provider = new ZooKeeperKvStoreProvider();
        assertThat(provider.storeType())
                .isEqualTo(ZooKeeperKvStoreProvider.STORE_TYPE)
                .isEqualTo("zookeeper");
        assertThatThrownBy(() -> provider.create(config().option("bogus", "1").build()))
                .isInstanceOf(KvStoreConfigurationException.class);
    }
}
