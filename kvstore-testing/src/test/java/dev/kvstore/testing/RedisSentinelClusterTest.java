package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisSentinelClusterTest {

    @Test
    @DisplayName("a sentinel password that would not survive sentinel.conf is refused before anything starts")
    void badSentinelPassword() {
        assertThatThrownBy(() -> RedisSentinelCluster.startWithSentinelPassword("m", "two words"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisSentinelCluster.startWithSentinelPassword("m", null))
                .isInstanceOf(NullPointerException.class);
    }
}
