package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvValueTooLargeException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BulkTest {

    @Test
    @DisplayName("batches: at most maxItems each, and at most maxBytes unless one item alone is larger")
    void batches() {
        List<Integer> items = List.of(1, 2, 3, 4, 5, 6, 7);
        assertThat(Bulk.batches(items, 3, 0, i -> 0)).containsExactly(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7));
        assertThat(Bulk.batches(List.of(4, 4, 9, 1, 1, 5), 10, 8, i -> i))
                .containsExactly(List.of(4, 4), List.of(9), List.of(1, 1, 5));
        assertThat(Bulk.batches(List.<Integer>of(), 3, 0, i -> 0)).isEmpty();
        assertThatThrownBy(() -> Bulk.batches(items, 0, 0, i -> 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("checkKeys keeps the first order without duplicates and refuses what a single call refuses")
    void checkKeys() {
        assertThat(Bulk.checkKeys(List.of("b", "a", "b", "c", "a"))).containsExactly("b", "a", "c");
        assertThatThrownBy(() -> Bulk.checkKeys(List.of("a", ""))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Bulk.checkKeys(Arrays.asList("a", null))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Bulk.checkKeys(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("checkEntries copies the values and checks every key and value first")
    void checkEntries() {
        byte[] v = {1, 2};
        Map<String, byte[]> in = new LinkedHashMap<>();
        in.put("k", v);
        Map<String, byte[]> copy = Bulk.checkEntries(in, 10);
        v[0] = 9;
        assertThat(copy.get("k")).containsExactly(1, 2);
        in.put("big", new byte[11]);
        assertThatThrownBy(() -> Bulk.checkEntries(in, 10)).isInstanceOf(KvValueTooLargeException.class);
        Map<String, byte[]> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> Bulk.checkEntries(nullValue, 10)).isInstanceOf(NullPointerException.class);
    }
}
