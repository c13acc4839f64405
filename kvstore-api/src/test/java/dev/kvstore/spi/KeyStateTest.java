package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class KeyStateTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shortValuesCompareByValueAndVersion() {
        assertThat(KeyState.of(bytes("v1"), 3, false).sameAs(KeyState.of(bytes("v1"), 3, true)))
                .isTrue();
        assertThat(KeyState.of(bytes("v1"), 3, false).sameAs(KeyState.of(bytes("v2"), 3, false)))
                .isFalse();
        assertThat(KeyState.of(bytes("v1"), 3, false).sameAs(KeyState.of(bytes("v1"), 4, false)))
                .isFalse();
        assertThat(KeyState.of(new byte[0], 0, false).sameAs(KeyState.of(new byte[0], 0, false)))
                .isTrue();
    }

    @Test
    void longValuesCompareByDigest() {
        byte[] a = bytes("x".repeat(100));
        byte[] b = bytes("x".repeat(99) + "y");
        assertThat(KeyState.of(a, 1, false).sameAs(KeyState.of(a.clone(), 1, false)))
                .isTrue();
        assertThat(KeyState.of(a, 1, false).sameAs(KeyState.of(b, 1, false))).isFalse();
    }

    @Test
    void aShortValueEqualToALongValuesDigestIsNotTheSameState() throws Exception {
        byte[] longValue = bytes("x".repeat(100));
        byte[] itsDigest = MessageDigest.getInstance("SHA-256").digest(longValue);
        assertThat(KeyState.of(itsDigest, 1, false).sameAs(KeyState.of(longValue, 1, false)))
                .isFalse();
    }

    @Test
    void aLongValueIsNotKeptByReference() {
        byte[] v = bytes("x".repeat(100));
        KeyState s = KeyState.of(v, 1, false);
        v[0] = 'w';
        assertThat(s.sameAs(KeyState.of(bytes("x".repeat(100)), 1, false))).isTrue();
    }

    @Test
    void aShortValueIsHandedOverNotCopied() {
        // the watch hands over a copy of its own (KvEvent.value(), KvPair.value()), so none is made here
        byte[] v = bytes("v1");
        KeyState s = KeyState.of(v, 1, false);
        v[0] = 'w';
        assertThat(s.sameAs(KeyState.of(bytes("w1"), 1, false))).isTrue();
    }
}
