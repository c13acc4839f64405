package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SlotTagsTest {

    @Test
    @DisplayName("every slot has a tag that hashes to it, without braces")
    void everySlot() {
        for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
            String tag = SlotTags.of(slot);
            assertThat(SlotHash.getSlot("x{" + tag + "}y")).isEqualTo(slot);
            assertThat(tag).doesNotContain("{", "}");
        }
    }

    @Test
    @DisplayName("a key's lease-id key lands in the key's slot, whatever braces the key holds")
    void leaseKeyInKeysSlot() {
        for (String key : List.of("plain", "a{b}c", "{}x", "a}b", "a{b", "{user42}/mail", "", "é/ü", "\u0001{")) {
            assertThat(SlotHash.getSlot(ReservedKeys.leaseOfInSlot(key)))
                    .as(key)
                    .isEqualTo(SlotHash.getSlot(key));
            assertThat(ReservedKeys.isReserved(ReservedKeys.leaseOfInSlot(key))).isTrue();
        }
    }

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
}
