package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScanKeysTest {

    @Test
    @DisplayName("the keys of a scan come back in key order, a key that SCAN returned twice only once")
    void sortsAndDropsRepeats() {
        List<String> scanned = List.of("k2", "k10", "k1", "k2", "a/b", "k1", "a", "k2");
        assertThat(RedisListing.sortedDistinct(scanned)).containsExactly("a", "a/b", "k1", "k10", "k2");
    }

    @Test
    @DisplayName("key order is String order, as a TreeMap of the keys gives, whatever characters the keys hold")
    void keyOrderIsStringOrder() {
        List<String> scanned = List.of("é", "z", "日本", "\uD83D\uDE00", "Z", " ", "e");
        assertThat(RedisListing.sortedDistinct(scanned)).containsExactlyElementsOf(new java.util.TreeSet<>(scanned));
    }

    @Test
    @DisplayName("no keys, no keys")
    void empty() {
        assertThat(RedisListing.sortedDistinct(List.of())).isEmpty();
    }
}
