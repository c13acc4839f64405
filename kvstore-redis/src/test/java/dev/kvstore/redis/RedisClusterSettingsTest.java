package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
}
