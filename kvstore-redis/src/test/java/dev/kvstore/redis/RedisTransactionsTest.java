package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.Txn;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisTransactionsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("one plain put under at most one condition on its key goes to put.lua, with the condition's kind")
    void leanShapes() {
        byte[][] plain =
                RedisTransactions.leanPut(Txn.builder().put("k", bytes("v")).build());
        assertThat(plain.length).isEqualTo(2);
        assertThat(text(plain[0])).isEqualTo("v");
        assertThat(plain[1]).isNull();

        byte[][] cas = RedisTransactions.leanPut(
                Txn.builder().ifValue("k", bytes("old")).put("k", bytes("new")).build());
        assertThat(cas.length).isEqualTo(4);
        assertThat(text(cas[0])).isEqualTo("new");
        assertThat(text(cas[2])).isEqualTo("v");
        assertThat(text(cas[3])).isEqualTo("old");

        byte[][] absent = RedisTransactions.leanPut(
                Txn.builder().ifAbsent("k").put("k", bytes("v")).build());
        assertThat(text(absent[2])).isEqualTo("a");
        assertThat(absent[3]).isEmpty();

        byte[][] present = RedisTransactions.leanPut(
                Txn.builder().ifPresent("k").put("k", bytes("v")).build());
        assertThat(text(present[2])).isEqualTo("p");
    }

    @Test
    @DisplayName("any other shape goes to txn.lua: a condition on another key, two operations, a delete")
    void otherShapes() {
        assertThat(RedisTransactions.leanPut(
                        Txn.builder().ifAbsent("other").put("k", bytes("v")).build()))
                .isNull();
        assertThat(RedisTransactions.leanPut(
                        Txn.builder().put("k", bytes("v")).put("j", bytes("w")).build()))
                .isNull();
        assertThat(RedisTransactions.leanPut(
                        Txn.builder().ifValue("k", bytes("v")).delete("k").build()))
                .isNull();
        assertThat(RedisTransactions.leanPut(Txn.builder()
                        .ifAbsent("k")
                        .ifPresent("j")
                        .put("k", bytes("v"))
                        .build()))
                .isNull();
    }
}
