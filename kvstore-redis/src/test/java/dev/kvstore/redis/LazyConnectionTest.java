package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LazyConnectionTest {

    private static RedisConnectionException race() {
        return new RedisConnectionException(
                "Unable to connect", new IllegalStateException("RedisHandshakeHandler not registered"));
    }

    /** A connector that fails with each of the given failures in turn, counting attempts. */
    private static LazyConnection<StatefulRedisConnection<String, byte[]>> failing(
            AtomicInteger attempts, Throwable... failures) {
        Deque<Throwable> queue = new ArrayDeque<>(List.of(failures));
        return new LazyConnection<>("redis at test", () -> {
            attempts.incrementAndGet();
            Throwable next = queue.size() > 1 ? queue.poll() : queue.peek();
            return CompletableFuture.failedFuture(next);
        });
    }

    private static Throwable outcome(CompletableFuture<?> f) {
        return f.handle((v, e) -> e).join();
    }

    @Test
    @DisplayName("lettuce's lost handshake race is retried at once and the real outcome (here NOAUTH) reported")
    void handshakeRaceIsRetried() {
        AtomicInteger attempts = new AtomicInteger();
        RedisCommandExecutionException noauth = new RedisCommandExecutionException("NOAUTH Authentication required.");
        var connection = failing(attempts, race(), race(), noauth);

        assertThat(outcome(connection.get())).isSameAs(noauth);
        assertThat(attempts).hasValue(3);
    }

    @Test
    @DisplayName("a lost race that keeps recurring is retried a bounded number of times, then reported")
    void handshakeRaceRetriesAreBounded() {
        AtomicInteger attempts = new AtomicInteger();
        var connection = failing(attempts, race());

        assertThat(LazyConnection.lostHandshakeRace(outcome(connection.get()))).isTrue();
        assertThat(attempts).hasValue(1 + LazyConnection.HANDSHAKE_RACE_RETRIES);
    }

    @Test
    @DisplayName("any other connection failure is reported as it is, without another attempt")
    void otherFailuresAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        RedisConnectionException refused = new RedisConnectionException("Connection refused");
        var connection = failing(attempts, refused);

        assertThat(outcome(connection.get())).isSameAs(refused);
        assertThat(attempts).hasValue(1);
        assertThat(LazyConnection.lostHandshakeRace(refused)).isFalse();
    }
}
