package dev.kvstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void pairCopiesItsValueBothWays() {
        byte[] v = "abc".getBytes(UTF_8);
        KvPair p = new KvPair("k", v, 3);
        v[0] = 'x';
        p.value()[1] = 'x';
        assertThat(p.valueAsString()).isEqualTo("abc");
        assertThat(p.valueSize()).isEqualTo(3);
        assertThat(p.lease()).isZero();
        assertThat(p)
                .isEqualTo(new KvPair("k", "abc".getBytes(UTF_8), 3, 0))
                .hasSameHashCodeAs(new KvPair("k", "abc".getBytes(UTF_8), 3));
        assertThat(p).isNotEqualTo(new KvPair("k", "abd".getBytes(UTF_8), 3));
    }

    @Test
    void pairRejectsNulls() {
        assertThatThrownBy(() -> new KvPair(null, new byte[0], 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new KvPair("k", null, 0)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void eventsOfEachKind() {
        assertThat(KvEvent.put("k", "v".getBytes(UTF_8), 2)).satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.PUT);
            assertThat(e.valueAsString()).isEqualTo("v");
            assertThat(e.version()).isEqualTo(2);
        });
        assertThat(KvEvent.delete("k").value()).isEmpty();
        assertThat(KvEvent.connectionDown("p/").type()).isEqualTo(EventType.CONNECTION_DOWN);
        assertThat(KvEvent.unknown("p/").type()).isEqualTo(EventType.UNKNOWN);
        assertThat(KvEvent.put("k", new byte[] {1}, 1)).isEqualTo(KvEvent.put("k", new byte[] {1}, 1));
    }

    @Test
    void toStringShowsShortTextAndSizesOfBinary() {
        assertThat(new KvPair("k", "hello".getBytes(UTF_8), 1).toString()).contains("\"hello\"");
        assertThat(new KvPair("k", new byte[] {(byte) 0xff, (byte) 0xfe}, 1).toString())
                .contains("(2 bytes)");
        assertThat(new KvPair("k", "x".repeat(100).getBytes(UTF_8), 1).toString())
                .contains("(100 bytes)");
    }

    @Test
    void tooLargeNamesTheLimit() {
        KvValueTooLargeException e = new KvValueTooLargeException("k", 11, 10);
        assertThat(e).hasMessageContaining("10 bytes").isInstanceOf(KvStoreException.class);
        assertThat(e.size()).isEqualTo(11);
        assertThat(e.limit()).isEqualTo(10);
    }
}
