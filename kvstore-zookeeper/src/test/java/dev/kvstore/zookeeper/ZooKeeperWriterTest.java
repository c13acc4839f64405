package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ZooKeeperWriterTest {

    @Test
    @DisplayName("the retry pause's bound doubles from the first pause and stops at the cap")
    void pauseBound() {
        assertThat(ZooKeeperWriter.pauseBoundMicros(ZooKeeperWriter.PAUSE_FROM_ATTEMPT))
                .isEqualTo(ZooKeeperWriter.FIRST_PAUSE_MICROS);
        assertThat(ZooKeeperWriter.pauseBoundMicros(ZooKeeperWriter.PAUSE_FROM_ATTEMPT + 1))
                .isEqualTo(2 * ZooKeeperWriter.FIRST_PAUSE_MICROS);
        assertThat(ZooKeeperWriter.pauseBoundMicros(ZooKeeperWriter.PAUSE_FROM_ATTEMPT + 3))
                .isEqualTo(8 * ZooKeeperWriter.FIRST_PAUSE_MICROS);
        assertThat(ZooKeeperWriter.pauseBoundMicros(ZooKeeperWriter.MAX_ATTEMPTS))
                .isEqualTo(ZooKeeperWriter.MAX_PAUSE_MICROS);
    }

    @Test
    @DisplayName("a pause completes on its own (the retry goes on)")
    void pauseCompletes() {
        assertThat(ZooKeeperWriter.pause(ZooKeeperWriter.MAX_ATTEMPTS)).succeedsWithin(Duration.ofSeconds(5));
    }
}
