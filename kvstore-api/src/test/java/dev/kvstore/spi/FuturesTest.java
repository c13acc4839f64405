package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvStoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FuturesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void unwrapStripsCompletionAndExecutionLayers() {
        IOException root = new IOException("x");
        assertThat(Futures.unwrap(new CompletionException(new ExecutionException(root))))
                .isSameAs(root);
        assertThat(Futures.unwrap(root)).isSameAs(root);
        CompletionException empty = new CompletionException("no cause", null);
        assertThat(Futures.unwrap(empty)).isSameAs(empty);
        assertThat(Futures.unwrap(null)).isNull();
    }

    @Test
    void aFutureNotDoneInTimeFailsWithTheSuppliedExceptionOffTheTimerThread() {
        CompletableFuture<String> f = new CompletableFuture<>();
        AtomicReference<Thread> dependentThread = new AtomicReference<>();
        assertThat(Futures.withTimeout(f, Duration.ofMillis(50), () -> new KvStoreUnavailableException("late")))
                .isSameAs(f);
        CompletableFuture<String> dependent = f.whenComplete((v, e) -> dependentThread.set(Thread.currentThread()));
        await().atMost(WAIT).until(dependent::isDone);
        assertThatThrownBy(f::join)
                .hasCauseInstanceOf(KvStoreUnavailableException.class)
                .hasMessageContaining("late");
        assertThat(dependentThread.get().getName()).startsWith("kvstore-timer-worker-");
    }

    @Test
    void aFutureDoneInTimeKeepsItsValueAndLeavesNoTimerTaskBehind() {
        int before = Futures.timerQueueSize();
        for (int i = 0; i < 1000; i++) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            Futures.withTimeout(f, Duration.ofHours(1), () -> new KvStoreUnavailableException("late"));
            f.complete(i);
            assertThat(f.join()).isEqualTo(i);
        }
        assertThat(Futures.timerQueueSize()).isLessThanOrEqualTo(before);
    }

    @Test
    void anAlreadyDoneFutureArmsNoTimer() {
        int before = Futures.timerQueueSize();
        CompletableFuture<String> f = CompletableFuture.completedFuture("v");
        Futures.withTimeout(f, Duration.ofHours(1), () -> new KvStoreUnavailableException("late"));
        assertThat(Futures.timerQueueSize()).isEqualTo(before);
    }

    @Test
    void scheduledTasksRunOffTheTimerAndCanBeCancelled() {
        AtomicReference<Thread> ran = new AtomicReference<>();
        Futures.schedule(() -> ran.set(Thread.currentThread()), Duration.ofMillis(10));
        await().atMost(WAIT).until(() -> ran.get() != null);
        assertThat(ran.get().getName()).startsWith("kvstore-timer-worker-");
        assertThat(ran.get().isDaemon()).isTrue();

        int before = Futures.timerQueueSize();
        ScheduledFuture<?> later = Futures.schedule(() -> {}, Duration.ofHours(1));
        later.cancel(false);
        assertThat(Futures.timerQueueSize()).isEqualTo(before);
    }
}
