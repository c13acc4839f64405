package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreClient;
import dev.kvstore.KvValueTooLargeException;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void keys() {
        assertThat(Keys.checkKey("a/b")).isEqualTo("a/b");
        assertThat(Keys.checkKey("é".repeat(256))).hasSize(256);
        assertThatThrownBy(() -> Keys.checkKey(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Keys.checkKey("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keys.checkKey("a\u0000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keys.checkKey("é".repeat(256) + "x", KvStoreClient.MAX_KEY_BYTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("513");
        String fullest = "é".repeat(384) + "x"; // 769 bytes: a 512-byte key under a 256-byte path prefix
        assertThat(Keys.checkKey(fullest)).isSameAs(fullest);
        assertThatThrownBy(() -> Keys.checkKey(fullest + "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("770");
        assertThat(Keys.checkKey("\uD83D\uDE00".repeat(128), KvStoreClient.MAX_KEY_BYTES))
                .hasSize(256); // 512 bytes
        assertThatThrownBy(() -> Keys.checkKey("\uD83D\uDE00".repeat(128) + "x", KvStoreClient.MAX_KEY_BYTES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unpairedSurrogatesAreRefused() {
        for (String bad :
                new String[] {"x\uD800y", "x\uDC00y", "\uD800", "x\uDBFF", "\uDE00\uD83D", "a\uD83D\uD83Db"}) {
            assertThatThrownBy(() -> Keys.checkKey(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unpaired surrogate");
            assertThatThrownBy(() -> Keys.checkPrefix(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Keys.checkKey("emoji-\uD83D\uDE00")).isEqualTo("emoji-\uD83D\uDE00");
    }

    @Test
    void prefixes() {
        assertThat(Keys.checkPrefix("")).isEmpty();
        assertThatThrownBy(() -> Keys.checkPrefix(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Keys.checkPrefix("\u0000")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void values() {
        assertThat(Keys.checkValue("k", new byte[10], 10)).hasSize(10);
        assertThatThrownBy(() -> Keys.checkValue("k", new byte[11], 10)).isInstanceOf(KvValueTooLargeException.class);
        assertThatThrownBy(() -> Keys.checkValue("k", null, 10)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void matching() {
        assertThat(Keys.matches("key4", true, "key40")).isTrue();
        assertThat(Keys.matches("key4", true, "key5")).isFalse();
        assertThat(Keys.matches("a*", true, "ab")).isFalse();
        assertThat(Keys.matches("key4", false, "key40")).isFalse();
        assertThat(Keys.matches("key4", false, "key4")).isTrue();
    }
}
