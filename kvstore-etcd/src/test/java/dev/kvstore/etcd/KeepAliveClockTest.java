package dev.kvstore.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link KeepAliveClock}'s pairing of keep-alive answers with the send times of their requests. */
class KeepAliveClockTest {

    @Test
    @DisplayName("each answer gets the send time of the oldest unanswered request of its lease")
    void pairsInOrder() {
        KeepAliveClock.Unanswered stream = new KeepAliveClock.Unanswered();
        stream.sent(7, 100);
        stream.sent(8, 150);
        stream.sent(7, 200);
        assertThat(stream.answered(7)).isEqualTo(100);
        assertThat(stream.answered(8)).isEqualTo(150);
        assertThat(stream.answered(7)).isEqualTo(200);
        assertThat(stream.answered(7)).isNull(); // nothing unanswered: the answer is not used
        assertThat(stream.answered(9)).isNull();
    }

    @Test
    @DisplayName("requests of another (failed) stream are not matched to this stream's answers")
    void perStream() {
        KeepAliveClock.Unanswered failed = new KeepAliveClock.Unanswered();
        KeepAliveClock.Unanswered fresh = new KeepAliveClock.Unanswered();
        failed.sent(7, 100);
        assertThat(fresh.answered(7)).isNull();
        fresh.sent(7, 300);
        assertThat(fresh.answered(7)).isEqualTo(300);
    }

    @Test
    @DisplayName("past 256 unanswered requests, later ones are not remembered: answers then get older times")
    void bounded() {
        KeepAliveClock.Unanswered stream = new KeepAliveClock.Unanswered();
        for (int i = 0; i < 300; i++) {
            stream.sent(7, i);
        }
        for (int i = 0; i < 256; i++) {
            assertThat(stream.answered(7)).isEqualTo(i);
        }
        assertThat(stream.answered(7)).isNull();
    }
}
