package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KeyspaceEventsTest {

    @Test
    @DisplayName("with notifications off, every needed flag is missing")
    void offNeedsEverything() {
        assertThat(KeyspaceEvents.missing("")).isEqualTo("Kg$xe");
    }

    @Test
    @DisplayName("'A' covers g, $, x and e; only K is then added")
    void aliasA() {
        assertThat(KeyspaceEvents.missing("AE")).isEqualTo("K");
        assertThat(KeyspaceEvents.missing("AKE")).isEmpty();
    }

    @Test
    @DisplayName("flags already set are kept and only the missing ones are added")
    void partial() {
        assertThat(KeyspaceEvents.missing("Ex")).isEqualTo("Kg$e");
        assertThat(KeyspaceEvents.missing("gxeK$")).isEmpty();
    }

    @Test
    @DisplayName("the channel prefix names the database")
    void channelPrefix() {
        assertThat(KeyspaceEvents.channelPrefix(3)).isEqualTo("__keyspace@3__:");
    }

    @Test
    @DisplayName("deletion, expiry and eviction are deletions; set is a write; expire is neither")
    void eventClasses() {
        assertThat(KeyspaceEvents.DELETIONS).contains("del", "expired", "evicted");
        assertThat(KeyspaceEvents.WRITES).contains("set").doesNotContain("expire", "del");
    }
}
