package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static KvStoreConfig.Builder config() {
        return KvStoreConfig.builder().storeType("zookeeper").address("127.0.0.1:2181, 127.0.0.2:2182");
    }

    @Test
    @DisplayName("defaults: root /kvstore, 30 s sessions, 1020 KiB values, no TLS, no credentials")
    void defaults() {
        Settings s = Settings.of(config().build());
        assertThat(s.connectString()).isEqualTo("127.0.0.1:2181,127.0.0.2:2182");
        assertThat(s.paths().root()).isEqualTo("/kvstore");
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxValueSize()).isEqualTo(1020 * 1024);
        assertThat(s.tls()).isFalse();
        assertThat(s.username()).isEmpty();
    }

    @Test
    @DisplayName("options are parsed")
    void options() {
        Settings s = Settings.of(config().option("rootPath", "/").option("sessionTimeout", "10s")
                .option("username", "u").option("password", "p").option("maxValueSize", "4000000").build());
        assertThat(s.paths().root()).isEqualTo("/");
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxValueSize()).isEqualTo(4_000_000);
        assertThat(s.toString()).doesNotContain("p]").contains("user=u");
    }

    @Test
    @DisplayName("malformed addresses and options fail before connecting, naming the setting")
    void invalid() {
        assertThatThrownBy(() -> Settings.of(KvStoreConfig.builder().storeType("zookeeper").address("nohost").build()))
                .isInstanceOf(KvStoreConfigurationException.class);
        assertThatThrownBy(() -> Settings.of(KvStoreConfig.builder().storeType("zookeeper").build()))
                .isInstanceOf(KvStoreConfigurationException.class);
        assertThatThrownBy(() -> Settings.of(config().option("rootPath", "kvstore").build()))
                .isInstanceOf(KvStoreConfigurationException.class).hasMessageContaining("rootPath");
        assertThatThrownBy(() -> Settings.of(config().option("sessionTimeout", "soon").build()))
                .isInstanceOf(KvStoreConfigurationException.class).hasMessageContaining("sessionTimeout");
        assertThatThrownBy(() -> Settings.of(config().option("username", "u").build()))
                .isInstanceOf(KvStoreConfigurationException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> Settings.of(config().option("username", "a:b").option("password", "p").build()))
                .isInstanceOf(KvStoreConfigurationException.class).hasMessageContaining("username");
        assertThatThrownBy(() -> Settings.of(config().option("tls", "yes").build()))
                .isInstanceOf(KvStoreConfigurationException.class).hasMessageContaining("tls");
        assertThatThrownBy(() -> Settings.of(config().option("tls", "true")
                .option("tls.trustStore", "/nonexistent/trust.jks").build()))
                .isInstanceOf(KvStoreConfigurationException.class).hasMessageContaining("tls.trustStore");
        assertThatThrownBy(() -> Settings.of(config().option("maxValueSize", "0").build()))
                .isInstanceOf(KvStoreConfigurationException.class).hasMessageContaining("maxValueSize");
        assertThatThrownBy(() -> Settings.of(config().option("rootpath", "/x").build()))
                .isInstanceOf(KvStoreConfigurationException.class).hasMessageContaining("rootpath");
    }

    @Test
    @DisplayName("the provider fails at create on a bad option, and serves storeType zookeeper")
    void provider() {
        ZooKeeperKvStoreProvider provider = new ZooKeeperKvStoreProvider();
        assertThat(provider.storeType()).isEqualTo("zookeeper");
        assertThatThrownBy(() -> provider.create(config().option("bogus", "1").build()))
                .isInstanceOf(KvStoreConfigurationException.class);
    }
}
