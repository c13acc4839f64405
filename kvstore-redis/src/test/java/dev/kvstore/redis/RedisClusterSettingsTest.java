package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisClusterSettingsTest {

    @Test
    @DisplayName("redis-cluster takes several seeds, each with the credentials, and refuses a database")
    void clusterSettings() {
        RedisSettings s = RedisSettings.ofCluster(KvStoreConfig.builder()
                .storeType("redis-cluster")
                .address("127.0.0.1:7000,127.0.0.1:7001")
                .option("password", "secret")
                .build());
        assertThat(s.storeType()).isEqualTo("redis-cluster");
        assertThat(s.cluster()).isTrue();
        assertThat(s.seedUris()).extracting(RedisURI::getPort).containsExactly(7000, 7001);
        assertThat(s.seedUris()).allSatisfy(u -> assertThat(u.getPassword()).isEqualTo("secret".toCharArray()));
        assertThat(s.toString()).doesNotContain("secret");
        assertThatThrownBy(() -> RedisSettings.ofCluster(KvStoreConfig.builder()
                        .storeType("redis-cluster")
                        .address("127.0.0.1:7000")
                        .option("database", "1")
                        .build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("only database 0");
        assertThatThrownBy(() -> RedisSettings.ofCluster(KvStoreConfig.builder()
                        .storeType("redis-cluster")
                        .address("127.0.0.1:7000")
                        .option("master-name", "m")
                        .build()))
                .isInstanceOf(KvStoreConfigurationException.class);
    }

    @Test
    @DisplayName(
            "redis-cluster refuses key-index=true, naming why, before connecting; false is the default and accepted")
    void clusterRefusesKeyIndex() {
        assertThatThrownBy(() -> RedisSettings.ofCluster(KvStoreConfig.builder()
                        .storeType("redis-cluster")
                        .address("127.0.0.1:7000")
                        .option(RedisOptions.KEY_INDEX, "true")
                        .build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining(RedisOptions.KEY_INDEX)
                .hasMessageContaining("hash slot");
        assertThat(RedisSettings.ofCluster(KvStoreConfig.builder()
                                .storeType("redis-cluster")
                                .address("127.0.0.1:7000")
                                .option(RedisOptions.KEY_INDEX, "false")
                                .build())
                        .keyIndex())
                .isFalse();
    }

    @Test
    @DisplayName(
            "redis-cluster checks the credential and TLS options as redis does, before connecting; every seed gets the user, password and TLS")
    void clusterCredentialsAndTls(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not read before connecting");
        RedisSettings s = RedisSettings.ofCluster(cluster()
                .option(RedisOptions.USERNAME, "app")
                .option(RedisOptions.PASSWORD, "secret")
                .option(RedisOptions.TLS, "true")
                .option(RedisOptions.TLS_CA_FILE, ca.toString())
                .option(RedisOptions.MAX_VALUE_BYTES, "1024")
                .build());
        assertThat(s.tls()).isTrue();
        assertThat(s.maxValueBytes()).isEqualTo(1024);
        assertThat(s.seedUris()).hasSize(2).allSatisfy(u -> {
            assertThat(u.isSsl()).isTrue();
            assertThat(u.getVerifyMode()).isEqualTo(SslVerifyMode.FULL);
            RedisCredentials credentials =
                    u.getCredentialsProvider().resolveCredentials().block();
            assertThat(credentials.getUsername()).isEqualTo("app");
            assertThat(credentials.getPassword()).isEqualTo("secret".toCharArray());
        });
        assertThat(s.toString()).doesNotContain("secret");

        assertRefused(cluster().option(RedisOptions.USERNAME, "app"), "needs option " + RedisOptions.PASSWORD);
        assertRefused(
                cluster().option(RedisOptions.TLS_CA_FILE, ca.toString()),
                "needs option " + RedisOptions.TLS + "=true");
        assertRefused(
                cluster()
                        .option(RedisOptions.TLS, "true")
                        .option(
                                RedisOptions.TLS_CA_FILE,
                                dir.resolve("missing.pem").toString()),
                RedisOptions.TLS_CA_FILE);
        assertRefused(
                cluster().option(RedisOptions.TLS, "true").option(RedisOptions.TLS_CERT_FILE, ca.toString()),
                RedisOptions.TLS_KEY_FILE);
        assertRefused(cluster().option(RedisOptions.MAX_VALUE_BYTES, "0"), RedisOptions.MAX_VALUE_BYTES);
    }

    private static KvStoreConfig.Builder cluster() {
        return KvStoreConfig.builder().storeType("redis-cluster").address("127.0.0.1:7000,127.0.0.1:7001");
    }

    private static void assertRefused(KvStoreConfig.Builder config, String message) {
        assertThatThrownBy(() -> RedisSettings.ofCluster(config.build()))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining(message);
    }
}
