package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which prefixes pin one slot (and are listed from one master), and reading a master's own slots. */
class ClusterSlotPrefixTest {

    @Test
    @DisplayName("a prefix pins a slot only when it holds a complete, non-empty hash tag, as Redis reads it")
    void slotOfPrefix() {
        String tag = SlotTags.of(1234);
        assertThat(SlotTags.slotOfPrefix("lock/q/{" + tag + "}")).isEqualTo(1234);
        assertThat(SlotTags.slotOfPrefix("ns/{" + tag + "}tagged/")).isEqualTo(1234);
        // every key under the prefix lands where the prefix says
        assertThat(SlotTags.slot("lock/q/{" + tag + "}00000000000000000001")).isEqualTo(1234);
        assertThat(SlotTags.slot("ns/{" + tag + "}tagged/x{y}")).isEqualTo(1234);
        // only the first brace counts, and its tag must be closed within the prefix and not empty
        assertThat(SlotTags.slotOfPrefix("a/{" + tag + "}/{zz}")).isEqualTo(1234);
        assertThat(SlotTags.slotOfPrefix("plain/")).isEqualTo(-1);
        assertThat(SlotTags.slotOfPrefix("open/{" + tag)).isEqualTo(-1);
        assertThat(SlotTags.slotOfPrefix("empty/{}x")).isEqualTo(-1);
        assertThat(SlotTags.slotOfPrefix("close/}{" + tag)).isEqualTo(-1);
        // a non-ASCII tag is hashed from its UTF-8 bytes, as the server does
        assertThat(SlotTags.slotOfPrefix("u/{é}")).isEqualTo(SlotTags.slot("é"));
    }

    @Test
    @DisplayName("a master's own view serves the slots of its ranges and single slots, not those being moved")
    void serves() {
        String view = "0a1b 0-5460 7000 [5461->-9f9f] [6000-<-8e8e]";
        assertThat(ClusterTopology.serves(view, 0)).isTrue();
        assertThat(ClusterTopology.serves(view, 5460)).isTrue();
        assertThat(ClusterTopology.serves(view, 7000)).isTrue();
        assertThat(ClusterTopology.serves(view, 5461)).isFalse();
        assertThat(ClusterTopology.serves(view, 6000)).isFalse();
        assertThat(ClusterTopology.serves(view, 16383)).isFalse();
        assertThat(ClusterTopology.serves("0a1b", 0)).isFalse();
    }
}
