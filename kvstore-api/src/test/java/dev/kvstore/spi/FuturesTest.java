package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvStoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    void aFutureDoneInTimeKeepsItsValueAndIsForgotten() {
        int before = Futures.timerQueueSize();
        for (int i = 0; i < 1000; i++) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            Futures.withTimeout(f, Duration.ofHours(1), () -> new KvStoreUnavailableException("late"));
            f.complete(i);
            assertThat(f.join()).isEqualTo(i);
        }
        assertThat(Futures.pendingTimeouts()).isZero();
        // futures due in the same tick (here 3.6 s, a thousandth of the hour) share one timer task
        assertThat(Futures.timerQueueSize()).isLessThanOrEqualTo(before + 2);
    }

    @Test
    void futuresStartedTogetherShareOneTimerTaskAndEachStillTimesOut() {
        int before = Futures.timerQueueSize();
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            CompletableFuture<String> f = new CompletableFuture<>();
            futures.add(Futures.withTimeout(f, Duration.ofMillis(200), () -> new KvStoreUnavailableException("late")));
        }
        assertThat(Futures.timerQueueSize()).isLessThanOrEqualTo(before + 3);
        futures.get(0).complete("in time");
        await().atMost(WAIT).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
        assertThat(futures.get(0).join()).isEqualTo("in time");
        for (CompletableFuture<String> f : futures.subList(1, futures.size())) {
            assertThatThrownBy(f::join).hasCauseInstanceOf(KvStoreUnavailableException.class);
        }
        assertThat(Futures.pendingTimeouts()).isZero();
    }

    @Test
    void aTimeoutFiresNoEarlierThanItsDurationAndAtMostATickLate() {
        CompletableFuture<String> f = new CompletableFuture<>();
        long start = System.nanoTime();
        Futures.withTimeout(f, Duration.ofMillis(30), () -> new KvStoreUnavailableException("late"));
        await().atMost(WAIT).until(f::isDone);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
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
