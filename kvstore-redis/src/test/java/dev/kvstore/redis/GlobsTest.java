package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GlobsTest {

    @Test
    @DisplayName("every glob metacharacter is escaped with a backslash")
    void escapesMetacharacters() {
        assertThat(Globs.escape("a*b?c[d]e\\f")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f");
    }

    @Test
    @DisplayName("text without metacharacters is returned as is, including ':', '/', '^', '-' and Unicode")
    void leavesOrdinaryTextAlone() {
        String plain = "service/voltha:x^y-z é 日本";
        assertThat(Globs.escape(plain)).isSameAs(plain);
    }

    @Test
    @DisplayName("a prefix pattern is the escaped prefix followed by one '*'")
    void prefixPattern() {
        assertThat(Globs.prefixPattern("key4")).isEqualTo("key4*");
        assertThat(Globs.prefixPattern("")).isEqualTo("*");
        assertThat(Globs.prefixPattern("a[1]*")).isEqualTo("a\\[1\\]\\**");
    }
}
