package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-slot hash tags and the cluster names built from them. */
class SlotTagsTest {

    @Test
    @DisplayName("every slot has a distinct tag of 1 to 3 characters, without braces, that hashes to it")
    void everySlot() {
        Set<String> seen = new HashSet<>();
        for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
            String tag = SlotTags.of(slot);
            assertThat(tag).hasSizeBetween(1, 3).doesNotContain("{", "}");
            assertThat(SlotTags.slot(tag)).as(tag).isEqualTo(slot);
            assertThat(seen.add(tag)).as(tag).isTrue();
        }
        // The table is part of the stored format: these must never change.
        assertThat(SlotTags.of(SlotTags.slot("0"))).isEqualTo("0");
        assertThat(SlotTags.of(SlotTags.slot("a"))).isEqualTo("a");
    }

    @Test
    @DisplayName("on a cluster a key's lease-id key and its lease's shard live in the key's slot; the root in the id's")
    void clusterNamesShareTheKeysSlot() {
        ReservedKeys.Layout cluster = ReservedKeys.Layout.CLUSTER;
        for (String key : List.of("a", "svc/x", "{user42}/name", "x{", "{}y", "}{", "ü/日本", "k{a}{b}")) {
            int slot = SlotTags.slot(key);
            assertThat(SlotTags.slot(cluster.leaseOf(key))).as(key).isEqualTo(slot);
            assertThat(SlotTags.slot(cluster.leaseHash(42, key))).as(key).isEqualTo(slot);
            assertThat(SlotTags.slot(cluster.leaseHashPrefix(key) + 7)).as(key).isEqualTo(slot);
            assertThat(cluster.leaseOf(key)).startsWith(ReservedKeys.PREFIX).endsWith(key);
            assertThat(ReservedKeys.isReserved(cluster.leaseOf(key))).isTrue();
        }
        for (long id : new long[] {1, 16_383, 16_384, (1L << 53) - 1}) {
            assertThat(SlotTags.slot(cluster.lease(id))).isEqualTo(ReservedKeys.Layout.rootSlot(id));
        }
        assertThat(cluster.lease(5)).isNotEqualTo(ReservedKeys.Layout.shard(5, ReservedKeys.Layout.rootSlot(5)));
    }

    @Test
    @DisplayName("slots are computed from a key's UTF-8 bytes, as Redis does, whatever the JVM's default charset")
    void utf8Slots() {
        // CRC16 (XMODEM) of the UTF-8 bytes mod 16384, computed outside Java (Python's binascii.crc_hqx)
        assertThat(SlotTags.slot("ü/日本")).isEqualTo(10527);
        assertThat(SlotTags.slot("foo")).isEqualTo(12182);
        assertThat(SlotTags.slot("{user1000}.following")).isEqualTo(SlotTags.slot("user1000"));
    }

    @Test
    @DisplayName("on one server the names are today's")
    void serverNamesUnchanged() {
        ReservedKeys.Layout server = ReservedKeys.Layout.SERVER;
        assertThat(server.leaseOf("k")).isEqualTo("\u0000kv:key-lease:k");
        assertThat(server.lease(7)).isEqualTo("\u0000kv:lease:7");
        assertThat(server.leaseHash(7, "k")).isEqualTo("\u0000kv:lease:7");
        assertThat(server.leaseHashPrefix("k")).isEqualTo("\u0000kv:lease:");
    }
}
